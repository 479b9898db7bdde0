using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Backends;

/// <summary>The certificates devices of a profile see, and the keys behind the RA ones.</summary>
/// <param name="Ra">The RA devices talk to: signs replies, opens request envelopes.</param>
/// <param name="CaChain">The issuing CA first, then its issuers.</param>
public sealed record BackendIdentity(IRegistrationAuthority Ra, IReadOnlyList<X509Certificate2> CaChain);

using CertBroker.Core.Model;

namespace CertBroker.Core.Policy;

/// <summary>The result of importing one certificate.</summary>
/// <param name="Certificate">The stored certificate: the new one, or the one already stored with the same thumbprint.</param>
/// <param name="AlreadyPresent">True when the thumbprint was already in the inventory and nothing was written.</param>
public sealed record ImportOutcome(CertificateRecord Certificate, bool AlreadyPresent);

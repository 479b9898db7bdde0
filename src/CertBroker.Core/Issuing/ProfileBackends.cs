using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Profiles;

namespace CertBroker.Core.Issuing;

/// <summary>
/// Which RA identity, CA chain and issuer serve a profile: the embedded CA's for <c>Backend=Embedded</c>, the
/// upstream's for <c>Backend=Ndes</c>.
/// </summary>
public sealed class ProfileBackends
{
    private readonly Dictionary<string, IUpstreamCa> _upstreams;

    public ProfileBackends(IRegistrationAuthority embeddedRa, ICertificateIssuer embedded, IEnumerable<IUpstreamCa>? upstreams = null)
    {
        EmbeddedRa = embeddedRa;
        Embedded = embedded;
        _upstreams = (upstreams ?? []).ToDictionary(u => u.ProfileName, StringComparer.OrdinalIgnoreCase);
    }

    public IRegistrationAuthority EmbeddedRa { get; }

    public ICertificateIssuer Embedded { get; }

    public IEnumerable<IUpstreamCa> Upstreams => _upstreams.Values;

    /// <summary>The upstream of a <c>Backend=Ndes</c> profile; null for an embedded one.</summary>
    public IUpstreamCa? Upstream(string profile) => _upstreams.GetValueOrDefault(profile);

    /// <summary>
    /// The RA and CA chain devices of <paramref name="profile"/> see; null while its upstream is not ready, which
    /// asks the upstream to try again soon.
    /// </summary>
    public (IRegistrationAuthority Ra, IReadOnlyList<X509Certificate2> CaChain)? Identity(ScepProfile profile)
    {
        if (Upstream(profile.Name) is not { } upstream)
        {
            return (EmbeddedRa, Embedded.CaChain);
        }

        if (upstream.Identity is { } identity)
        {
            return (identity.Ra, identity.CaChain);
        }

        upstream.RequestRefresh();
        return null;
    }
}

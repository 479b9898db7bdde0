using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Issuing;
using CertBroker.Scep.Cms;

namespace CertBroker.Server.Endpoints;

/// <summary>
/// GetCACert and GetNextCACert bodies (RFC 8894 §4.2, §4.3), built once at start-up: they only change with the key
/// material, which needs a restart anyway.
/// </summary>
internal sealed class CaCertificateResponses
{
    public const string CaRaContentType = "application/x-x509-ca-ra-cert";
    public const string NextCaContentType = "application/x-x509-next-ca-cert";

    private readonly ProfileBackends? _backends;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (UpstreamIdentity Identity, byte[] Body)> _upstream = new(StringComparer.OrdinalIgnoreCase);

    public CaCertificateResponses(IRegistrationAuthority ra, ICertificateIssuer issuer, INextCaSource nextCa, TimeProvider time, ProfileBackends? backends = null)
    {
        _backends = backends;
        CaCertificates = Build(ra, issuer.CaChain);

        if (nextCa.NextCaCertificate is X509Certificate2 next)
        {
            byte[] degenerate = SignedDataWriter.WriteDegenerate([next.RawData]);
            var signer = new CmsSigner(ra.SigningCertificate, ra.SigningKey, HashAlgorithmName.SHA256);
            NextCaCertificates = SignedDataWriter.WriteSigned(degenerate, signer, [], time.GetUtcNow());
        }
    }

    /// <summary>Degenerate SignedData with the RA and CA certificates.</summary>
    public byte[] CaCertificates { get; }

    /// <summary>SignedData over the successor CA certificate, or null when none is configured.</summary>
    public byte[]? NextCaCertificates { get; }

    public bool HasNextCa => NextCaCertificates is not null;

    /// <summary>
    /// The GetCACert body of <paramref name="profile"/>: the broker's RA and the upstream CA chain for an upstream
    /// profile, rebuilt when either changes; null while the upstream is not ready.
    /// </summary>
    public byte[]? For(Core.Profiles.ScepProfile profile)
    {
        if (_backends?.Upstream(profile.Name) is null)
        {
            return CaCertificates;
        }

        if (_backends.Identity(profile) is not (IRegistrationAuthority ra, IReadOnlyList<X509Certificate2> caChain))
        {
            return null;
        }

        var identity = new UpstreamIdentity(ra, caChain);
        if (_upstream.TryGetValue(profile.Name, out var cached) && cached.Identity == identity)
        {
            return cached.Body;
        }

        byte[] body = Build(identity.Ra, identity.CaChain);
        _upstream[profile.Name] = (identity, body);
        return body;
    }

    // RA certificates first (signing, then encryption), then the CA chain: the order NDES uses.
    private static byte[] Build(IRegistrationAuthority ra, IReadOnlyList<X509Certificate2> caChain)
    {
        var certificates = new List<ReadOnlyMemory<byte>> { ra.SigningCertificate.RawData };
        if (!ra.EncryptionCertificate.RawData.AsSpan().SequenceEqual(ra.SigningCertificate.RawData))
        {
            certificates.Add(ra.EncryptionCertificate.RawData);
        }

        certificates.AddRange(caChain.Select(c => (ReadOnlyMemory<byte>)c.RawData));
        return SignedDataWriter.WriteDegenerate(certificates);
    }
}

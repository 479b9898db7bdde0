using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Scep.Cms;

namespace CertBroker.Server.Endpoints;

/// <summary>
/// GetCACert and GetNextCACert bodies (RFC 8894 §4.2, §4.3) of each profile, built once per backend identity: they
/// change only when the key material does (a restart) or an upstream CA presents new certificates.
/// </summary>
internal sealed class CaCertificateResponses(BackendCatalog backends, TimeProvider time)
{
    public const string CaRaContentType = "application/x-x509-ca-ra-cert";
    public const string NextCaContentType = "application/x-x509-next-ca-cert";

    private readonly ConcurrentDictionary<ICaBackend, Bodies> _bodies = new();

    /// <summary>Degenerate SignedData with the RA and CA certificates of <paramref name="profile"/>; null while its CA is not ready.</summary>
    public byte[]? For(ScepProfile profile) => BodiesFor(profile)?.CaCertificates;

    /// <summary>SignedData over the successor CA certificate of <paramref name="profile"/>, or null when none is announced.</summary>
    public byte[]? NextCa(ScepProfile profile) =>
        backends.For(profile) is INextCaSource { NextCaCertificate: not null } ? BodiesFor(profile)?.NextCa : null;

    private Bodies? BodiesFor(ScepProfile profile)
    {
        ICaBackend backend = backends.For(profile);
        if (backend.Identity is not { } identity)
        {
            return null;
        }

        if (_bodies.TryGetValue(backend, out Bodies? cached) && cached.Identity == identity)
        {
            return cached;
        }

        X509Certificate2? next = (backend as INextCaSource)?.NextCaCertificate;
        var bodies = new Bodies(identity, Build(identity.Ra, identity.CaChain), next is null ? null : SignNextCa(identity.Ra, next));
        _bodies[backend] = bodies;
        return bodies;
    }

    private byte[] SignNextCa(IRegistrationAuthority ra, X509Certificate2 next)
    {
        byte[] degenerate = SignedDataWriter.WriteDegenerate([next.RawData]);
        var signer = new CmsSigner(ra.SigningCertificate, ra.SigningKey, HashAlgorithmName.SHA256);
        return SignedDataWriter.WriteSigned(degenerate, signer, [], time.GetUtcNow());
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

    private sealed record Bodies(BackendIdentity Identity, byte[] CaCertificates, byte[]? NextCa);
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Issuers.Embedded;

/// <summary>
/// The CA and RA certificates and keys, loaded and checked once at start-up by <see cref="KeyMaterialProvider"/>.
/// Certificates carry no private key; keys are separate RSA instances that are safe for concurrent use.
/// </summary>
public sealed class CaKeyMaterial : IDisposable
{
    internal CaKeyMaterial(
        IReadOnlyList<X509Certificate2> caChain,
        RSA caKey,
        X509Certificate2 raSigningCertificate,
        RSA raSigningKey,
        X509Certificate2 raEncryptionCertificate,
        RSA raEncryptionKey,
        X509Certificate2? nextCaCertificate,
        bool isGenerated)
    {
        CaChain = caChain;
        CaKey = caKey;
        RaSigningCertificate = raSigningCertificate;
        RaSigningKey = raSigningKey;
        RaEncryptionCertificate = raEncryptionCertificate;
        RaEncryptionKey = raEncryptionKey;
        NextCaCertificate = nextCaCertificate;
        IsGenerated = isGenerated;
    }

    /// <summary>The issuing CA certificate.</summary>
    public X509Certificate2 CaCertificate => CaChain[0];

    /// <summary>The CA certificate followed by the chain configured with it, root last.</summary>
    public IReadOnlyList<X509Certificate2> CaChain { get; }

    public RSA CaKey { get; }

    public X509Certificate2 RaSigningCertificate { get; }

    public RSA RaSigningKey { get; }

    /// <summary>The encryption RA; the same certificate as <see cref="RaSigningCertificate"/> for a dual-use RA.</summary>
    public X509Certificate2 RaEncryptionCertificate { get; }

    public RSA RaEncryptionKey { get; }

    /// <summary>True when one RA certificate both signs replies and receives request envelopes.</summary>
    public bool IsDualUseRa => ReferenceEquals(RaSigningCertificate, RaEncryptionCertificate);

    /// <summary>The successor CA certificate for GetNextCACert, or null.</summary>
    public X509Certificate2? NextCaCertificate { get; }

    /// <summary>True when the material is development material the broker generated itself.</summary>
    public bool IsGenerated { get; }

    public void Dispose()
    {
        CaKey.Dispose();
        RaSigningKey.Dispose();
        RaEncryptionKey.Dispose();
        foreach (var certificate in CaChain)
        {
            certificate.Dispose();
        }

        RaSigningCertificate.Dispose();
        RaEncryptionCertificate.Dispose();
        NextCaCertificate?.Dispose();
    }
}

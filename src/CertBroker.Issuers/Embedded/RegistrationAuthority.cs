using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Backends;

namespace CertBroker.Issuers.Embedded;

/// <summary>The RA identity built from the loaded material: a signing RA and an encryption RA, or one dual-use RA.</summary>
public sealed class RegistrationAuthority : IRegistrationAuthority
{
    public RegistrationAuthority(CaKeyMaterial material)
    {
        ArgumentNullException.ThrowIfNull(material);
        SigningCertificate = material.RaSigningCertificate;
        SigningKey = material.RaSigningKey;
        EncryptionCertificate = material.RaEncryptionCertificate;
        EncryptionKey = material.RaEncryptionKey;

        // The signing RA comes second so clients that encrypt to every GetCACert certificate still get through;
        // a dual-use RA is listed once.
        DecryptionKeys = SameCertificate(SigningCertificate, EncryptionCertificate)
            ? [(EncryptionCertificate, EncryptionKey)]
            : [(EncryptionCertificate, EncryptionKey), (SigningCertificate, SigningKey)];
    }

    public X509Certificate2 SigningCertificate { get; }

    public RSA SigningKey { get; }

    public X509Certificate2 EncryptionCertificate { get; }

    public RSA EncryptionKey { get; }

    public IReadOnlyList<(X509Certificate2 Certificate, RSA Key)> DecryptionKeys { get; }

    private static bool SameCertificate(X509Certificate2 a, X509Certificate2 b) => a.RawData.AsSpan().SequenceEqual(b.RawData);
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Backends;

namespace CertBroker.Issuers.Ndes;

/// <summary>
/// The broker's RA identity for an upstream profile: one certificate, issued by the upstream CA, that signs replies
/// to devices and requests to the upstream and opens the envelopes of both (devices encrypt to it from GetCACert,
/// the upstream encrypts its replies to it as the signer of the request).
/// </summary>
public sealed class BrokerRa(X509Certificate2 certificate, RSA key) : IRegistrationAuthority
{
    public X509Certificate2 SigningCertificate { get; } = certificate;

    public RSA SigningKey { get; } = key;

    public X509Certificate2 EncryptionCertificate => SigningCertificate;

    public RSA EncryptionKey => SigningKey;

    public IReadOnlyList<(X509Certificate2 Certificate, RSA Key)> DecryptionKeys { get; } = [(certificate, key)];

    /// <summary>Whether the certificate is past <paramref name="percent"/> of its lifetime and should be enrolled again.</summary>
    public bool IsDue(DateTimeOffset now, int percent = 80)
    {
        DateTimeOffset notBefore = SigningCertificate.NotBefore.ToUniversalTime();
        DateTimeOffset notAfter = SigningCertificate.NotAfter.ToUniversalTime();
        return now >= notBefore + ((notAfter - notBefore) * (percent / 100.0));
    }
}

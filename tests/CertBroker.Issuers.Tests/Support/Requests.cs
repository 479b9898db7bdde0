using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Backends;
using CertBroker.Core.Model;
using CertBroker.Core.Profiles;
using CertBroker.Core.Storage;

namespace CertBroker.Issuers.Tests.Support;

/// <summary>Issue requests as the enrolment pipeline would build them from a CSR, and store records for the CRL.</summary>
internal static class Requests
{
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    private static readonly Lazy<RSA> SharedDeviceKey = new(() => RSA.Create(2048));

    public static CertificateTemplate Template(TimeSpan? validity = null, params string[] extendedKeyUsages) =>
        new(
            validity ?? TimeSpan.FromDays(365),
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment,
            extendedKeyUsages);

    /// <summary>A request for an RSA-2048 device key; the key is shared between calls (generation is slow).</summary>
    public static IssueRequest Rsa(
        string subject = "CN=device-01, O=Acme",
        X509Extension? subjectAlternativeName = null,
        CertificateTemplate? template = null)
    {
        var csr = new CertificateRequest(subject, SharedDeviceKey.Value, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new IssueRequest(csr.SubjectName, csr.PublicKey, subjectAlternativeName, template ?? Template());
    }

    public static CertificateRecord Revoked(X509Certificate2 certificate, int? reason, DateTimeOffset revokedAt) => new()
    {
        Serial = certificate.SerialNumber.ToLowerInvariant(),
        Profile = "default",
        Issuer = certificate.Issuer,
        Subject = certificate.Subject,
        SubjectAlternativeNames = [],
        NotBefore = certificate.NotBefore.ToUniversalTime(),
        NotAfter = certificate.NotAfter.ToUniversalTime(),
        KeyAlgorithm = "RSA",
        KeySize = 2048,
        SignatureAlgorithm = "sha256RSA",
        ThumbprintSha256 = certificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant(),
        PublicKeySha256 = Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo())),
        Der = certificate.RawData,
        IssuedAt = certificate.NotBefore.ToUniversalTime(),
        RevokedAt = revokedAt,
        RevocationReason = reason,
    };
}

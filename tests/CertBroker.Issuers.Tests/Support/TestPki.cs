using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CertBroker.Issuers.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertBroker.Issuers.Tests.Support;

/// <summary>Builds CA and RA certificates the way an operator's own PKI would, and writes them as files.</summary>
internal static class TestPki
{
    public static KeyMaterialProvider Provider(EmbeddedCaOptions options, string dataDirectory, TimeProvider? time = null) =>
        new(Options.Create(options), dataDirectory, time ?? TestClock.StartingNow(), NullLogger<KeyMaterialProvider>.Instance);

    /// <summary>A self-signed CA certificate with its key (not attached).</summary>
    public static (X509Certificate2 Certificate, RSA Key) CreateCa(string commonName, bool markAsCa = true)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (markAsCa)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(
                new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var withKey = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        return (X509CertificateLoader.LoadCertificate(withKey.RawData), key);
    }

    /// <summary>A certificate for a new RSA key, signed by <paramref name="caKey"/>.</summary>
    public static (X509Certificate2 Certificate, RSA Key) CreateIssued(
        X509Certificate2 ca,
        RSA caKey,
        string commonName,
        X509KeyUsageFlags keyUsage)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, true));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.Create(
            ca.SubjectName,
            X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1),
            now.AddDays(-1),
            now.AddYears(1),
            RandomNumberGenerator.GetBytes(8));
        return (certificate, key);
    }

    public static string WriteCertificate(TempDirectory directory, string name, params X509Certificate2[] certificates)
    {
        var path = directory.File(name);
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        return path;
    }

    public static string WriteKey(TempDirectory directory, string name, RSA key, string? password = null)
    {
        var path = directory.File(name);
        var pem = password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(
                password,
                new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
        File.WriteAllText(path, pem + "\n", Encoding.ASCII);
        return path;
    }

    public static string WritePkcs12(TempDirectory directory, string name, X509Certificate2 certificate, RSA key, string password)
    {
        var path = directory.File(name);
        using var withKey = certificate.CopyWithPrivateKey(key);
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>Options pointing at a CA PEM pair and a signing plus encryption RA PEM pair, all issued properly.</summary>
    public static EmbeddedCaOptions WriteProductionPemSet(TempDirectory directory)
    {
        var (ca, caKey) = CreateCa("Test CA");
        var (signing, signingKey) = CreateIssued(ca, caKey, "Test RA Signing", X509KeyUsageFlags.DigitalSignature);
        var (encryption, encryptionKey) = CreateIssued(ca, caKey, "Test RA Encryption", X509KeyUsageFlags.KeyEncipherment);
        return new EmbeddedCaOptions
        {
            CertificatePath = WriteCertificate(directory, "ca.pem", ca),
            KeyPath = WriteKey(directory, "ca.key", caKey),
            Ra = new RegistrationAuthorityOptions
            {
                SigningCertificatePath = WriteCertificate(directory, "ra-sign.pem", signing),
                SigningKeyPath = WriteKey(directory, "ra-sign.key", signingKey),
                EncryptionCertificatePath = WriteCertificate(directory, "ra-enc.pem", encryption),
                EncryptionKeyPath = WriteKey(directory, "ra-enc.key", encryptionKey),
            },
        };
    }
}

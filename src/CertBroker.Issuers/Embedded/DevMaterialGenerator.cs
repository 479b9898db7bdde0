using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Issuers.Embedded;

/// <summary>File names of generated development material under <c>&lt;DataDir&gt;/ca/</c>.</summary>
internal sealed record DevMaterialLayout(string Directory)
{
    public string CaCertificate => Path.Combine(Directory, "ca-cert.pem");

    public string CaKey => Path.Combine(Directory, "ca-key.pem");

    public string SigningCertificate => Path.Combine(Directory, "ra-signing-cert.pem");

    public string SigningKey => Path.Combine(Directory, "ra-signing-key.pem");

    public string EncryptionCertificate => Path.Combine(Directory, "ra-encryption-cert.pem");

    public string EncryptionKey => Path.Combine(Directory, "ra-encryption-key.pem");

    public IReadOnlyList<string> Files =>
        [CaCertificate, CaKey, SigningCertificate, SigningKey, EncryptionCertificate, EncryptionKey];

    public KeySource CaSource => new("CA", CaCertificate, CaKey, null, null, null);

    public KeySource SigningSource => new("RA signing", SigningCertificate, SigningKey, null, null, null);

    public KeySource EncryptionSource => new("RA encryption", EncryptionCertificate, EncryptionKey, null, null, null);
}

/// <summary>
/// Makes a development root CA and a signing-only plus an encryption-only RA certificate issued by it, the pair NDES
/// presents. Never for production: the keys sit unencrypted on disk.
/// </summary>
internal static class DevMaterialGenerator
{
    public const string Organization = "CertBroker Dev";
    public const string CaCommonName = "CertBroker Dev Root CA";
    public const string SigningCommonName = "CertBroker RA Signing";
    public const string EncryptionCommonName = "CertBroker RA Encryption";

    /// <summary>
    /// Writes the six files. The CA certificate is written last, so its presence means generation completed; an
    /// interrupted run leaves no CA certificate and is simply redone on the next start.
    /// </summary>
    /// <returns>The generated certificates, CA first, for logging.</returns>
    public static async Task<IReadOnlyList<X509Certificate2>> GenerateAsync(
        DevMaterialLayout layout,
        EmbeddedCaOptions options,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        KeyFiles.CreatePrivateDirectory(layout.Directory);
        var notBefore = now - EmbeddedCertificateIssuer.ClockSkewAllowance;

        using var caKey = RSA.Create(options.KeySize);
        var caName = Name(CaCommonName);
        var caRequest = new CertificateRequest(caName, caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, critical: true));
        caRequest.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        var caKeyIdentifier = new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false);
        caRequest.CertificateExtensions.Add(caKeyIdentifier);
        caRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(caKeyIdentifier));
        var caGenerator = X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1);
        var ca = caRequest.Create(
            caName,
            caGenerator,
            notBefore,
            now.AddYears(options.CaValidityYears),
            CertificateBuilding.NewSerialNumber());

        var raNotAfter = Min(now.AddYears(options.RaValidityYears), CertificateBuilding.NotAfterUtc(ca));
        using var signingKey = RSA.Create(options.KeySize);
        var signing = IssueRa(ca, caGenerator, signingKey, SigningCommonName, X509KeyUsageFlags.DigitalSignature, notBefore, raNotAfter);
        using var encryptionKey = RSA.Create(options.KeySize);
        var encryption = IssueRa(
            ca,
            caGenerator,
            encryptionKey,
            EncryptionCommonName,
            X509KeyUsageFlags.KeyEncipherment,
            notBefore,
            raNotAfter);

        await KeyFiles.WritePrivateKeyAsync(layout.SigningKey, signingKey, cancellationToken).ConfigureAwait(false);
        await KeyFiles.WriteCertificateAsync(layout.SigningCertificate, signing, cancellationToken).ConfigureAwait(false);
        await KeyFiles.WritePrivateKeyAsync(layout.EncryptionKey, encryptionKey, cancellationToken).ConfigureAwait(false);
        await KeyFiles.WriteCertificateAsync(layout.EncryptionCertificate, encryption, cancellationToken).ConfigureAwait(false);
        await KeyFiles.WritePrivateKeyAsync(layout.CaKey, caKey, cancellationToken).ConfigureAwait(false);
        await KeyFiles.WriteCertificateAsync(layout.CaCertificate, ca, cancellationToken).ConfigureAwait(false);
        return [ca, signing, encryption];
    }

    private static X509Certificate2 IssueRa(
        X509Certificate2 ca,
        X509SignatureGenerator caGenerator,
        RSA key,
        string commonName,
        X509KeyUsageFlags keyUsage,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter)
    {
        var request = new CertificateRequest(Name(commonName), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(CertificateBuilding.AuthorityKeyIdentifierFor(ca));
        return request.Create(ca.SubjectName, caGenerator, notBefore, notAfter, CertificateBuilding.NewSerialNumber());
    }

    private static X500DistinguishedName Name(string commonName)
    {
        // The builder encodes the RDNs in reverse order of the calls: this yields the conventional O then CN.
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        builder.AddOrganizationName(Organization);
        return builder.Build();
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

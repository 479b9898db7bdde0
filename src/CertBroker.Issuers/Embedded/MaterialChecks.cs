using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.X509;

namespace CertBroker.Issuers.Embedded;

/// <summary>
/// Start-up checks on CA and RA material. Each failure throws a <see cref="KeyMaterialException"/> that names the
/// file and the problem. The broker's own keys and signatures must pass the weak-crypto FAIL rules.
/// </summary>
internal static class MaterialChecks
{
    private const string Md2WithRsa = "1.2.840.113549.1.1.2";
    private const string Md5WithRsa = "1.2.840.113549.1.1.4";
    private const string Sha1WithRsa = "1.2.840.113549.1.1.5";
    private const string EcdsaWithSha1 = "1.2.840.10045.4.1";
    private const string DsaWithSha1 = "1.2.840.10040.4.3";

    /// <summary>
    /// The key must be the certificate's: same public key, and a test signature made with it verifies against the
    /// certificate (catches a private key whose private parts are corrupt).
    /// </summary>
    public static void EnsureKeyMatches(X509Certificate2 certificate, RSA key, string role, string path)
    {
        using var publicKey = certificate.GetRSAPublicKey()
            ?? throw new KeyMaterialException(
                $"The {role} certificate '{certificate.Subject}' from '{path}' has a {certificate.PublicKey.Oid.FriendlyName} " +
                "key; CA and RA keys must be RSA.");

        var probe = RandomNumberGenerator.GetBytes(32);
        bool matches;
        try
        {
            matches = publicKey.ExportRSAPublicKey().AsSpan().SequenceEqual(key.ExportRSAPublicKey())
                && publicKey.VerifyData(probe, key.SignData(probe, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            matches = false;
        }

        if (!matches)
        {
            throw new KeyMaterialException(
                $"The {role} private key from '{path}' does not match the {role} certificate '{certificate.Subject}'.");
        }
    }

    /// <summary>WC-RSA-01, -03 and -04: at least 2048 bits, a whole number of bytes, an odd exponent of at least 3.</summary>
    public static void EnsureStrongRsa(RSA key, string role, string path)
    {
        if (key.KeySize < 2048 || key.KeySize % 8 != 0)
        {
            throw new KeyMaterialException(
                $"The {role} key from '{path}' is RSA {key.KeySize} bits; the broker's own keys must be at least 2048 bits " +
                "and a multiple of 8.");
        }

        var exponent = new BigInteger(key.ExportParameters(false).Exponent, isUnsigned: true, isBigEndian: true);
        if (exponent < 3 || exponent.IsEven)
        {
            throw new KeyMaterialException($"The {role} key from '{path}' has public exponent {exponent}; it must be odd and at least 3.");
        }
    }

    /// <summary>The CA certificate must say it is a CA and, when it restricts key usage, allow certificate and CRL signing.</summary>
    public static void EnsureCa(X509Certificate2 certificate, string role, string path)
    {
        var basicConstraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (basicConstraints is not { CertificateAuthority: true })
        {
            throw new KeyMaterialException(
                $"The {role} certificate '{certificate.Subject}' from '{path}' is not a CA certificate " +
                "(basicConstraints cA=TRUE is missing).");
        }

        const X509KeyUsageFlags required = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign;
        var keyUsage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (keyUsage is not null && (keyUsage.KeyUsages & required) != required)
        {
            throw new KeyMaterialException(
                $"The {role} certificate '{certificate.Subject}' from '{path}' has keyUsage {keyUsage.KeyUsages}; " +
                "it must allow keyCertSign and cRLSign.");
        }
    }

    /// <summary>An RA certificate must allow what it is used for; without a keyUsage extension every usage is allowed.</summary>
    public static void EnsureKeyUsage(X509Certificate2 certificate, X509KeyUsageFlags required, string role, string path)
    {
        var keyUsage = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (keyUsage is not null && (keyUsage.KeyUsages & required) != required)
        {
            throw new KeyMaterialException(
                $"The {role} certificate '{certificate.Subject}' from '{path}' has keyUsage {keyUsage.KeyUsages}; " +
                $"it needs {required}.");
        }
    }

    /// <summary>The certificate's signature must verify with the issuer's public key.</summary>
    public static void EnsureIssuedBy(X509Certificate2 certificate, X509Certificate2 issuer, string role, string path)
    {
        // .NET has no "was this signed by that key" call short of chain building, which also judges time and policy.
        var parser = new X509CertificateParser();
        var subject = parser.ReadCertificate(certificate.RawData);
        var issuerCertificate = parser.ReadCertificate(issuer.RawData);
        try
        {
            subject.Verify(issuerCertificate.GetPublicKey());
        }
        catch (Exception exception)
        {
            // BouncyCastle reports a bad signature, an unknown algorithm and a key of the wrong type with different
            // exception types; for us each means the same thing.
            throw new KeyMaterialException(
                $"The {role} certificate '{certificate.Subject}' from '{path}' (issuer '{certificate.Issuer}') was not issued by " +
                $"the CA '{issuer.Subject}': its signature does not verify with the CA key.",
                exception);
        }
    }

    /// <summary>WC-SIG-01 and -02: no MD2/MD5 signatures; no SHA-1 except on a self-signed root, whose signature nobody relies on.</summary>
    public static void EnsureSignatureAlgorithm(X509Certificate2 certificate, string role, string path)
    {
        var oid = certificate.SignatureAlgorithm.Value;
        var selfSigned = certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
        var weak = oid is Md2WithRsa or Md5WithRsa
            || (!selfSigned && oid is Sha1WithRsa or EcdsaWithSha1 or DsaWithSha1);
        if (weak)
        {
            throw new KeyMaterialException(
                $"The {role} certificate '{certificate.Subject}' from '{path}' is signed with " +
                $"{certificate.SignatureAlgorithm.FriendlyName ?? oid}; re-issue it with SHA-256 or stronger.");
        }
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Storage;

/// <summary>Builds store records from certificates, so every writer derives the same facts the same way.</summary>
public static class CertificateRecords
{
    /// <summary>Serial as lower-case hex of its unsigned value (no leading zero bytes): the store's key.</summary>
    public static string SerialHex(ReadOnlySpan<byte> serialBigEndian)
    {
        while (serialBigEndian.Length > 1 && serialBigEndian[0] == 0)
        {
            serialBigEndian = serialBigEndian[1..];
        }

        return Convert.ToHexStringLower(serialBigEndian);
    }

    public static string ThumbprintSha256(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    public static string PublicKeySha256(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    public static CertificateRecord From(X509Certificate2 certificate, string profile, string? transactionId, DateTimeOffset issuedAt)
    {
        (string algorithm, int size) = KeyOf(certificate);
        return new CertificateRecord
        {
            Serial = SerialHex(certificate.SerialNumberBytes.Span),
            Profile = profile,
            Issuer = certificate.Issuer,
            Subject = certificate.Subject,
            SubjectAlternativeNames = SubjectAlternativeNames(certificate),
            NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            KeyAlgorithm = algorithm,
            KeySize = size,
            SignatureAlgorithm = certificate.SignatureAlgorithm.FriendlyName ?? certificate.SignatureAlgorithm.Value ?? "unknown",
            ThumbprintSha256 = ThumbprintSha256(certificate),
            PublicKeySha256 = PublicKeySha256(certificate),
            Der = certificate.RawData,
            TransactionId = transactionId,
            IssuedAt = issuedAt,
        };
    }

    /// <summary>SANs as OpenSSL prints them: "DNS:name", "IP Address:addr", "email:…", "URI:…".</summary>
    public static IReadOnlyList<string> SubjectAlternativeNames(X509Certificate2 certificate)
    {
        if (certificate.Extensions["2.5.29.17"] is not X509Extension extension)
        {
            return [];
        }

        return extension.Format(multiLine: false)
            .Split(", ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static (string Algorithm, int Size) KeyOf(X509Certificate2 certificate)
    {
        using RSA? rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
        {
            return ("RSA", rsa.KeySize);
        }

        using ECDsa? ec = certificate.GetECDsaPublicKey();
        if (ec is not null)
        {
            return ("EC", ec.KeySize);
        }

        return (certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value ?? "unknown", 0);
    }
}

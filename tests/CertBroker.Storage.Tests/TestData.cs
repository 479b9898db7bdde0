using System.Security.Cryptography;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Storage.Tests;

internal static class TestData
{
    public const string Profile = "devices";

    /// <summary>
    /// A non-UTC offset and a fraction with microsecond precision: stores must keep the instant exactly and
    /// return it in UTC.
    /// </summary>
    public static readonly DateTimeOffset Now = new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.FromHours(2))
        .AddTicks(5_358_970);

    public static EnrolmentTransaction Transaction(
        string? transactionId = null, TransactionState state = TransactionState.Pending, string profile = Profile) => new()
        {
            Profile = profile,
            TransactionId = transactionId ?? RandomHex(16),
            MessageType = 19,
            State = state,
            PublicKeySha256 = RandomHex(32),
            Subject = "CN=router-17,O=Example",
            RequesterAddress = "192.0.2.17",
            ContentEncryptionAlgorithm = "AES-256-CBC",
            DigestAlgorithm = "SHA-256",
            SignatureAlgorithm = "RSA-PKCS1",
            FailInfo = state == TransactionState.Failed ? "badRequest" : null,
            CertificationRequest = RandomNumberGenerator.GetBytes(300),
            CreatedAt = Now,
            UpdatedAt = Now.AddSeconds(1),
        };

    public static CertificateRecord Certificate(
        string? serial = null,
        string? transactionId = null,
        DateTimeOffset? notAfter = null,
        string profile = Profile)
    {
        var der = RandomNumberGenerator.GetBytes(600);
        return new CertificateRecord
        {
            Serial = serial ?? NewSerial(),
            Profile = profile,
            Issuer = "CN=Example Issuing CA,O=Example",
            Subject = "CN=router-17,O=Example",
            SubjectAlternativeNames = ["DNS:router-17.example.net", "IP:192.0.2.17", "email:nöc@example.net"],
            NotBefore = Now.AddMinutes(-5),
            NotAfter = notAfter ?? Now.AddDays(365),
            KeyAlgorithm = "RSA",
            KeySize = 2048,
            SignatureAlgorithm = "sha256RSA",
            ThumbprintSha256 = Convert.ToHexStringLower(SHA256.HashData(der)),
            PublicKeySha256 = RandomHex(32),
            Der = der,
            TransactionId = transactionId,
            IssuedAt = Now,
        };
    }

    /// <summary>A positive 128-bit serial in lower-case hex, as the issuers produce.</summary>
    public static string NewSerial()
    {
        var bytes = RandomNumberGenerator.GetBytes(16);
        bytes[0] = (byte)((bytes[0] & 0x7F) | 0x10);
        return Convert.ToHexStringLower(bytes);
    }

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}

using CertBroker.Storage.Rows;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Reads rows by column position, in the order <see cref="SqliteSql"/> selects them. Hand-written because these
/// are the hot-path reads: no per-call name look-ups or reflection.
/// </summary>
internal static class SqliteRowReader
{
    public static TransactionRow Transaction(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Profile = reader.GetString(1),
        TransactionId = reader.GetString(2),
        MessageType = reader.GetInt64(3),
        State = reader.GetInt64(4),
        PublicKeySha256 = reader.GetString(5),
        Subject = reader.GetString(6),
        RequesterAddress = NullableString(reader, 7),
        ContentEncryptionAlgorithm = NullableString(reader, 8),
        DigestAlgorithm = NullableString(reader, 9),
        SignatureAlgorithm = NullableString(reader, 10),
        FailInfo = NullableString(reader, 11),
        CertificationRequest = reader.IsDBNull(12) ? null : reader.GetFieldValue<byte[]>(12),
        CertificateSerial = NullableString(reader, 13),
        CreatedAt = reader.GetInt64(14),
        UpdatedAt = reader.GetInt64(15),
        SubjectAltNames = NullableString(reader, 16),
        KeyAlgorithm = NullableString(reader, 17),
        KeySize = NullableInt64(reader, 18),
        ChallengeMode = NullableString(reader, 19),
        Findings = NullableString(reader, 20),
        DeviceId = NullableInt64(reader, 21),
        ExpiresAt = NullableInt64(reader, 22),
        Decision = NullableInt64(reader, 23),
        DecidedBy = NullableString(reader, 24),
        DecidedAt = NullableInt64(reader, 25),
        DecisionReason = NullableString(reader, 26),
    };

    /// <summary>The two columns of <see cref="SqliteSql.FindTransactionState"/>.</summary>
    public static (long State, string? CertificateSerial) TransactionState(SqliteDataReader reader) =>
        (reader.GetInt64(0), NullableString(reader, 1));

    public static CertificateRow Certificate(SqliteDataReader reader) => new()
    {
        Serial = reader.GetString(0),
        Profile = reader.GetString(1),
        Issuer = reader.GetString(2),
        Subject = reader.GetString(3),
        SubjectAltNames = reader.GetString(4),
        NotBefore = reader.GetInt64(5),
        NotAfter = reader.GetInt64(6),
        KeyAlgorithm = reader.GetString(7),
        KeySize = reader.GetInt64(8),
        SignatureAlgorithm = reader.GetString(9),
        ThumbprintSha256 = reader.GetString(10),
        PublicKeySha256 = reader.GetString(11),
        Der = reader.GetFieldValue<byte[]>(12),
        TransactionId = NullableString(reader, 13),
        IssuedAt = reader.GetInt64(14),
        RevokedAt = reader.IsDBNull(15) ? null : reader.GetInt64(15),
        RevocationReason = reader.IsDBNull(16) ? null : reader.GetInt64(16),
        DeviceId = reader.IsDBNull(17) ? null : reader.GetInt64(17),
        RenewalDueAt = NullableInt64(reader, 18),
        RenewalState = reader.GetInt64(19),
        LastRenewalAttemptAt = NullableInt64(reader, 20),
        LastRenewalResult = NullableString(reader, 21),
        SupersededBy = NullableString(reader, 22),
        Source = reader.GetInt64(23),
        Findings = reader.IsDBNull(24) ? "[]" : reader.GetString(24),
    };

    private static long? NullableInt64(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static string? NullableString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

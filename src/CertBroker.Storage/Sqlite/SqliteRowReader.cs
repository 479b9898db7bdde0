using CertBroker.Core.Model;
using CertBroker.Storage.Rows;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Reads the store's hot-path rows by column name. Ordinals are resolved once per prepared statement (see
/// <see cref="PreparedCommand{TArgs}"/>), so a row costs what reading by position did, and a statement's column
/// order can change without the reader.
/// </summary>
internal static class SqliteRowReader
{
    public static readonly SqliteRowMap<TransactionOrdinals, TransactionRow> Transaction = new(
        static reader => new TransactionOrdinals(reader),
        static (reader, o) => new TransactionRow
        {
            Id = reader.GetInt64(o.Id),
            Profile = reader.GetString(o.Profile),
            TransactionId = reader.GetString(o.TransactionId),
            MessageType = reader.GetInt64(o.MessageType),
            State = reader.GetInt64(o.State),
            PublicKeySha256 = reader.GetString(o.PublicKeySha256),
            Subject = reader.GetString(o.Subject),
            RequesterAddress = NullableString(reader, o.RequesterAddress),
            ContentEncryptionAlgorithm = NullableString(reader, o.ContentEncryptionAlgorithm),
            DigestAlgorithm = NullableString(reader, o.DigestAlgorithm),
            SignatureAlgorithm = NullableString(reader, o.SignatureAlgorithm),
            FailInfo = NullableString(reader, o.FailInfo),
            CertificationRequest = reader.IsDBNull(o.CertificationRequest) ? null : reader.GetFieldValue<byte[]>(o.CertificationRequest),
            CertificateSerial = NullableString(reader, o.CertificateSerial),
            CreatedAt = reader.GetInt64(o.CreatedAt),
            UpdatedAt = reader.GetInt64(o.UpdatedAt),
            SubjectAltNames = NullableString(reader, o.SubjectAltNames),
            KeyAlgorithm = NullableString(reader, o.KeyAlgorithm),
            KeySize = NullableInt64(reader, o.KeySize),
            ChallengeMode = NullableString(reader, o.ChallengeMode),
            Findings = NullableString(reader, o.Findings),
            DeviceId = NullableInt64(reader, o.DeviceId),
            ExpiresAt = NullableInt64(reader, o.ExpiresAt),
            Decision = NullableInt64(reader, o.Decision),
            DecidedBy = NullableString(reader, o.DecidedBy),
            DecidedAt = NullableInt64(reader, o.DecidedAt),
            DecisionReason = NullableString(reader, o.DecisionReason),
            IssuedSubject = NullableString(reader, o.IssuedSubject),
            IssuedSubjectAltNames = NullableString(reader, o.IssuedSubjectAltNames),
            NameFindings = NullableString(reader, o.NameFindings),
        });

    /// <summary>The columns of <see cref="SqliteSql.FindTransactionState"/>.</summary>
    public static readonly SqliteRowMap<TransactionStateOrdinals, (long State, string? CertificateSerial)> TransactionState = new(
        static reader => new TransactionStateOrdinals(reader),
        static (reader, o) => (reader.GetInt64(o.State), NullableString(reader, o.CertificateSerial)));

    public static readonly SqliteRowMap<CertificateOrdinals, CertificateRow> Certificate = new(
        static reader => new CertificateOrdinals(reader),
        static (reader, o) => new CertificateRow
        {
            Serial = reader.GetString(o.Serial),
            Profile = reader.GetString(o.Profile),
            Issuer = reader.GetString(o.Issuer),
            Subject = reader.GetString(o.Subject),
            SubjectAltNames = reader.GetString(o.SubjectAltNames),
            NotBefore = reader.GetInt64(o.NotBefore),
            NotAfter = reader.GetInt64(o.NotAfter),
            KeyAlgorithm = reader.GetString(o.KeyAlgorithm),
            KeySize = reader.GetInt64(o.KeySize),
            SignatureAlgorithm = reader.GetString(o.SignatureAlgorithm),
            ThumbprintSha256 = reader.GetString(o.ThumbprintSha256),
            PublicKeySha256 = reader.GetString(o.PublicKeySha256),
            Der = reader.GetFieldValue<byte[]>(o.Der),
            TransactionId = NullableString(reader, o.TransactionId),
            IssuedAt = reader.GetInt64(o.IssuedAt),
            RevokedAt = NullableInt64(reader, o.RevokedAt),
            RevocationReason = NullableInt64(reader, o.RevocationReason),
            DeviceId = NullableInt64(reader, o.DeviceId),
            RenewalDueAt = NullableInt64(reader, o.RenewalDueAt),
            RenewalState = reader.GetInt64(o.RenewalState),
            LastRenewalAttemptAt = NullableInt64(reader, o.LastRenewalAttemptAt),
            LastRenewalResult = NullableString(reader, o.LastRenewalResult),
            SupersededBy = NullableString(reader, o.SupersededBy),
            Source = reader.GetInt64(o.Source),
            Findings = reader.IsDBNull(o.Findings) ? "[]" : reader.GetString(o.Findings),
        });

    /// <summary>A statement that returns the <c>id</c> of the row it wrote.</summary>
    public static readonly SqliteRowMap<IdOrdinal, long> Id = new(
        static reader => new IdOrdinal(reader.GetOrdinal("id")),
        static (reader, o) => reader.GetInt64(o.Id));

    private static long? NullableInt64(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static string? NullableString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal sealed record IdOrdinal(int Id);

    internal sealed class TransactionStateOrdinals(SqliteDataReader reader)
    {
        public int State { get; } = reader.GetOrdinal("state");

        public int CertificateSerial { get; } = reader.GetOrdinal("certificate_serial");
    }

    internal sealed class TransactionOrdinals(SqliteDataReader reader)
    {
        public int Id { get; } = reader.GetOrdinal("id");
        public int Profile { get; } = reader.GetOrdinal("profile");
        public int TransactionId { get; } = reader.GetOrdinal("transaction_id");
        public int MessageType { get; } = reader.GetOrdinal("message_type");
        public int State { get; } = reader.GetOrdinal("state");
        public int PublicKeySha256 { get; } = reader.GetOrdinal("public_key_sha256");
        public int Subject { get; } = reader.GetOrdinal("subject");
        public int RequesterAddress { get; } = reader.GetOrdinal("requester_address");
        public int ContentEncryptionAlgorithm { get; } = reader.GetOrdinal("content_encryption_algorithm");
        public int DigestAlgorithm { get; } = reader.GetOrdinal("digest_algorithm");
        public int SignatureAlgorithm { get; } = reader.GetOrdinal("signature_algorithm");
        public int FailInfo { get; } = reader.GetOrdinal("fail_info");
        public int CertificationRequest { get; } = reader.GetOrdinal("certification_request");
        public int CertificateSerial { get; } = reader.GetOrdinal("certificate_serial");
        public int CreatedAt { get; } = reader.GetOrdinal("created_at");
        public int UpdatedAt { get; } = reader.GetOrdinal("updated_at");
        public int SubjectAltNames { get; } = reader.GetOrdinal("subject_alt_names");
        public int KeyAlgorithm { get; } = reader.GetOrdinal("key_algorithm");
        public int KeySize { get; } = reader.GetOrdinal("key_size");
        public int ChallengeMode { get; } = reader.GetOrdinal("challenge_mode");
        public int Findings { get; } = reader.GetOrdinal("findings");
        public int DeviceId { get; } = reader.GetOrdinal("device_id");
        public int ExpiresAt { get; } = reader.GetOrdinal("expires_at");
        public int Decision { get; } = reader.GetOrdinal("decision");
        public int DecidedBy { get; } = reader.GetOrdinal("decided_by");
        public int DecidedAt { get; } = reader.GetOrdinal("decided_at");
        public int DecisionReason { get; } = reader.GetOrdinal("decision_reason");
        public int IssuedSubject { get; } = reader.GetOrdinal("issued_subject");
        public int IssuedSubjectAltNames { get; } = reader.GetOrdinal("issued_subject_alt_names");
        public int NameFindings { get; } = reader.GetOrdinal("name_findings");
    }

    internal sealed class CertificateOrdinals(SqliteDataReader reader)
    {
        public int Serial { get; } = reader.GetOrdinal("serial");
        public int Profile { get; } = reader.GetOrdinal("profile");
        public int Issuer { get; } = reader.GetOrdinal("issuer");
        public int Subject { get; } = reader.GetOrdinal("subject");
        public int SubjectAltNames { get; } = reader.GetOrdinal("subject_alt_names");
        public int NotBefore { get; } = reader.GetOrdinal("not_before");
        public int NotAfter { get; } = reader.GetOrdinal("not_after");
        public int KeyAlgorithm { get; } = reader.GetOrdinal("key_algorithm");
        public int KeySize { get; } = reader.GetOrdinal("key_size");
        public int SignatureAlgorithm { get; } = reader.GetOrdinal("signature_algorithm");
        public int ThumbprintSha256 { get; } = reader.GetOrdinal("thumbprint_sha256");
        public int PublicKeySha256 { get; } = reader.GetOrdinal("public_key_sha256");
        public int Der { get; } = reader.GetOrdinal("der");
        public int TransactionId { get; } = reader.GetOrdinal("transaction_id");
        public int IssuedAt { get; } = reader.GetOrdinal("issued_at");
        public int RevokedAt { get; } = reader.GetOrdinal("revoked_at");
        public int RevocationReason { get; } = reader.GetOrdinal("revocation_reason");
        public int DeviceId { get; } = reader.GetOrdinal("device_id");
        public int RenewalDueAt { get; } = reader.GetOrdinal("renewal_due_at");
        public int RenewalState { get; } = reader.GetOrdinal("renewal_state");
        public int LastRenewalAttemptAt { get; } = reader.GetOrdinal("last_renewal_attempt_at");
        public int LastRenewalResult { get; } = reader.GetOrdinal("last_renewal_result");
        public int SupersededBy { get; } = reader.GetOrdinal("superseded_by");
        public int Source { get; } = reader.GetOrdinal("source");
        public int Findings { get; } = reader.GetOrdinal("findings");
    }
}

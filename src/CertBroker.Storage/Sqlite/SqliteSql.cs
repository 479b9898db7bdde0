using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Storage.Rows;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Every statement the SQLite store runs. The store's statements carry their parameter bindings and are kept
/// prepared per connection (<see cref="PreparedCommand{TArgs}"/>); <see cref="SqliteRowReader"/> reads their
/// columns by name. The migrator's statements are plain text run through Dapper.
/// </summary>
internal static class SqliteSql
{
    /// <summary>The columns <see cref="SqliteRowReader.Transaction"/> reads, by name.</summary>
    internal const string TransactionColumns = """
        id, profile, transaction_id, message_type, state, public_key_sha256, subject, requester_address,
        content_encryption_algorithm, digest_algorithm, signature_algorithm, fail_info, certification_request,
        certificate_serial, created_at, updated_at, subject_alt_names, key_algorithm, key_size, challenge_mode,
        findings, device_id, expires_at, decision, decided_by, decided_at, decision_reason, issued_subject,
        issued_subject_alt_names, name_findings
        """;

    /// <summary>
    /// The columns <see cref="SqliteRowReader.Certificate"/> reads, by name; <c>findings</c> is the certificate's
    /// findings as a JSON array.
    /// </summary>
    internal const string CertificateColumns = """
        serial, profile, issuer, subject, subject_alt_names, not_before, not_after, key_algorithm, key_size,
        signature_algorithm, thumbprint_sha256, public_key_sha256, der, transaction_id, issued_at, revoked_at,
        revocation_reason, device_id, renewal_due_at, renewal_state, last_renewal_attempt_at, last_renewal_result,
        superseded_by, source,
        """ + FindingsOfCertificate + ") AS findings";

    /// <summary>
    /// The findings of the certificate row <c>certificates</c> as a JSON array (read with <c>FindingsJson</c>);
    /// <see cref="FindingsOf"/> for another alias.
    /// </summary>
    private const string FindingsOfCertificate = """
        (SELECT json_group_array(json_object('ruleId', f.rule_id, 'severity', f.severity, 'observed', f.observed,
                'threshold', f.threshold, 'message', f.message))
         FROM findings f WHERE f.certificate_id = certificates.id
        """;

    /// <summary>The JSON array of findings of the certificate whose id is <paramref name="certificateId"/> (an SQL expression).</summary>
    public static string FindingsOf(string certificateId) => FindingsOfCertificate.Replace("certificates.id", certificateId, StringComparison.Ordinal) + ")";

    /// <summary>Takes the file's write lock before the first read, so no other process can write in between.</summary>
    public const string BeginImmediate = "BEGIN IMMEDIATE";

    public const string Commit = "COMMIT";

    /// <summary>Each write of a group commit runs inside this savepoint, so a failing one undoes only its own rows.</summary>
    public const string Savepoint = "SAVEPOINT write";

    public const string ReleaseSavepoint = "RELEASE write";

    public const string RollbackToSavepoint = "ROLLBACK TO write";

    public static readonly SqliteStatement<(string Profile, string TransactionId)> FindTransaction = new(
        $"""
        SELECT {TransactionColumns}
        FROM transactions
        WHERE profile = @Profile AND transaction_id = @TransactionId
        """,
        ("@Profile", static key => key.Profile),
        ("@TransactionId", static key => key.TransactionId));

    /// <summary>Columns read by <see cref="SqliteRowReader.TransactionState"/>.</summary>
    public static readonly SqliteStatement<TransactionRow> FindTransactionState = new(
        """
        SELECT state, certificate_serial
        FROM transactions
        WHERE profile = @Profile AND transaction_id = @TransactionId
        """,
        ("@Profile", static row => row.Profile),
        ("@TransactionId", static row => row.TransactionId));

    /// <summary>
    /// Inserts or updates a transaction unless it is already Issued (state 1), in which case it changes no row.
    /// created_at keeps its first value: it records when the transaction began, not when it was last saved.
    /// </summary>
    public static readonly SqliteStatement<TransactionRow> UpsertTransaction = new(
        """
        INSERT INTO transactions (
            profile, transaction_id, message_type, state, public_key_sha256, subject, requester_address,
            content_encryption_algorithm, digest_algorithm, signature_algorithm, fail_info, certification_request,
            certificate_serial, created_at, updated_at, subject_alt_names, key_algorithm, key_size, challenge_mode,
            findings, device_id, expires_at, decision, decided_by, decided_at, decision_reason, issued_subject,
            issued_subject_alt_names, name_findings)
        VALUES (
            @Profile, @TransactionId, @MessageType, @State, @PublicKeySha256, @Subject, @RequesterAddress,
            @ContentEncryptionAlgorithm, @DigestAlgorithm, @SignatureAlgorithm, @FailInfo, @CertificationRequest,
            @CertificateSerial, @CreatedAt, @UpdatedAt, @SubjectAltNames, @KeyAlgorithm, @KeySize, @ChallengeMode,
            @Findings, @DeviceId, @ExpiresAt, @Decision, @DecidedBy, @DecidedAt, @DecisionReason, @IssuedSubject,
            @IssuedSubjectAltNames, @NameFindings)
        ON CONFLICT (profile, transaction_id) DO UPDATE SET
            message_type = excluded.message_type,
            state = excluded.state,
            public_key_sha256 = excluded.public_key_sha256,
            subject = excluded.subject,
            requester_address = excluded.requester_address,
            content_encryption_algorithm = excluded.content_encryption_algorithm,
            digest_algorithm = excluded.digest_algorithm,
            signature_algorithm = excluded.signature_algorithm,
            fail_info = excluded.fail_info,
            certification_request = excluded.certification_request,
            certificate_serial = excluded.certificate_serial,
            updated_at = excluded.updated_at,
            subject_alt_names = excluded.subject_alt_names,
            key_algorithm = excluded.key_algorithm,
            key_size = excluded.key_size,
            challenge_mode = excluded.challenge_mode,
            findings = excluded.findings,
            device_id = excluded.device_id,
            expires_at = excluded.expires_at,
            decision = excluded.decision,
            decided_by = excluded.decided_by,
            decided_at = excluded.decided_at,
            decision_reason = excluded.decision_reason,
            issued_subject = excluded.issued_subject,
            issued_subject_alt_names = excluded.issued_subject_alt_names,
            name_findings = excluded.name_findings
        WHERE transactions.state <> 1
        """,
        ("@Profile", static row => row.Profile),
        ("@TransactionId", static row => row.TransactionId),
        ("@MessageType", static row => row.MessageType),
        ("@State", static row => row.State),
        ("@PublicKeySha256", static row => row.PublicKeySha256),
        ("@Subject", static row => row.Subject),
        ("@RequesterAddress", static row => row.RequesterAddress),
        ("@ContentEncryptionAlgorithm", static row => row.ContentEncryptionAlgorithm),
        ("@DigestAlgorithm", static row => row.DigestAlgorithm),
        ("@SignatureAlgorithm", static row => row.SignatureAlgorithm),
        ("@FailInfo", static row => row.FailInfo),
        ("@CertificationRequest", static row => row.CertificationRequest),
        ("@CertificateSerial", static row => row.CertificateSerial),
        ("@CreatedAt", static row => row.CreatedAt),
        ("@UpdatedAt", static row => row.UpdatedAt),
        ("@SubjectAltNames", static row => row.SubjectAltNames),
        ("@KeyAlgorithm", static row => row.KeyAlgorithm),
        ("@KeySize", static row => row.KeySize),
        ("@ChallengeMode", static row => row.ChallengeMode),
        ("@Findings", static row => row.Findings),
        ("@DeviceId", static row => row.DeviceId),
        ("@ExpiresAt", static row => row.ExpiresAt),
        ("@Decision", static row => row.Decision),
        ("@DecidedBy", static row => row.DecidedBy),
        ("@DecidedAt", static row => row.DecidedAt),
        ("@DecisionReason", static row => row.DecisionReason),
        ("@IssuedSubject", static row => row.IssuedSubject),
        ("@IssuedSubjectAltNames", static row => row.IssuedSubjectAltNames),
        ("@NameFindings", static row => row.NameFindings));

    /// <summary>Changes no row when the serial or thumbprint is taken, so the caller can tell a clash from success.</summary>
    public static readonly SqliteStatement<CertificateRow> InsertCertificate = new(
        """
        INSERT INTO certificates (
            serial, profile, issuer, subject, subject_alt_names, not_before, not_after, key_algorithm, key_size,
            signature_algorithm, thumbprint_sha256, public_key_sha256, der, transaction_id, issued_at, revoked_at,
            revocation_reason, device_id, renewal_due_at, source)
        VALUES (
            @Serial, @Profile, @Issuer, @Subject, @SubjectAltNames, @NotBefore, @NotAfter, @KeyAlgorithm, @KeySize,
            @SignatureAlgorithm, @ThumbprintSha256, @PublicKeySha256, @Der, @TransactionId, @IssuedAt, @RevokedAt,
            @RevocationReason, @DeviceId, @RenewalDueAt, @Source)
        ON CONFLICT DO NOTHING
        """,
        ("@Serial", static row => row.Serial),
        ("@Profile", static row => row.Profile),
        ("@Issuer", static row => row.Issuer),
        ("@Subject", static row => row.Subject),
        ("@SubjectAltNames", static row => row.SubjectAltNames),
        ("@NotBefore", static row => row.NotBefore),
        ("@NotAfter", static row => row.NotAfter),
        ("@KeyAlgorithm", static row => row.KeyAlgorithm),
        ("@KeySize", static row => row.KeySize),
        ("@SignatureAlgorithm", static row => row.SignatureAlgorithm),
        ("@ThumbprintSha256", static row => row.ThumbprintSha256),
        ("@PublicKeySha256", static row => row.PublicKeySha256),
        ("@Der", static row => row.Der),
        ("@TransactionId", static row => row.TransactionId),
        ("@IssuedAt", static row => row.IssuedAt),
        ("@RevokedAt", static row => row.RevokedAt),
        ("@RevocationReason", static row => row.RevocationReason),
        ("@DeviceId", static row => row.DeviceId),
        ("@RenewalDueAt", static row => row.RenewalDueAt),
        ("@Source", static row => row.Source));

    /// <summary>One weak-crypto finding of the certificate just inserted (or re-scanned), by serial.</summary>
    public static readonly SqliteStatement<(string Serial, Finding Finding, long FoundAt)> UpsertFinding = new(
        """
        INSERT INTO findings (certificate_id, rule_id, severity, observed, threshold, message, found_at)
        SELECT id, @RuleId, @Severity, @Observed, @Threshold, @Message, @FoundAt FROM certificates WHERE serial = @Serial
        ON CONFLICT (certificate_id, rule_id) DO UPDATE SET
            severity = excluded.severity, observed = excluded.observed, threshold = excluded.threshold,
            message = excluded.message, found_at = excluded.found_at
        """,
        ("@Serial", static args => args.Serial),
        ("@RuleId", static args => args.Finding.RuleId),
        ("@Severity", static args => (long)args.Finding.Severity),
        ("@Observed", static args => args.Finding.Observed),
        ("@Threshold", static args => args.Finding.Threshold),
        ("@Message", static args => args.Finding.Message),
        ("@FoundAt", static args => args.FoundAt));

    /// <summary>
    /// WC-KEY-04 on the enrolment path: the key of the certificate just inserted is already in another device's
    /// certificate. One look-up on ix_certificates_public_key_sha256 inside the issue write; shared primes are
    /// left to the re-scan.
    /// </summary>
    public static readonly SqliteStatement<(string Serial, long FoundAt)> FlagSharedKey = new(
        """
        INSERT INTO findings (certificate_id, rule_id, severity, observed, threshold, message, found_at)
        SELECT c.id, 'WC-KEY-04', 2, 'same key as certificate ' || o.serial, 'a key of its own',
               'Key also used by another device (certificate ' || o.serial || ')', @FoundAt
        FROM certificates c
        JOIN certificates o ON o.public_key_sha256 = c.public_key_sha256 AND o.id <> c.id
        WHERE c.serial = @Serial AND (c.device_id IS NULL OR o.device_id IS NOT c.device_id)
        LIMIT 1
        ON CONFLICT (certificate_id, rule_id) DO NOTHING
        """,
        ("@Serial", static args => args.Serial),
        ("@FoundAt", static args => args.FoundAt));

    /// <summary>
    /// Marks the certificate a renewal replaced, in the renewal's own write: superseded by the new serial, with the
    /// attempt recorded. Only a certificate whose renewal is still open changes, so a second renewal of the same
    /// certificate leaves the first successor in place.
    /// </summary>
    public static readonly SqliteStatement<(string Serial, string SupersededBy, long At)> Supersede = new(
        """
        UPDATE certificates
        SET renewal_state = 4, superseded_by = @SupersededBy, last_renewal_attempt_at = @At,
            last_renewal_result = 'renewed by ' || @SupersededBy
        WHERE serial = @Serial AND renewal_state < 3
        """,
        ("@Serial", static args => args.Serial),
        ("@SupersededBy", static args => args.SupersededBy),
        ("@At", static args => args.At));

    /// <summary>
    /// Creates the device an enrolment names, or records that it was seen again. What an admin entered wins:
    /// enrolment facts only fill columns that are still empty. Returns the device's ID.
    /// </summary>
    public static readonly SqliteStatement<DeviceObservationRow> UpsertDevice = new(
        """
        INSERT INTO devices (
            identity_kind, identity_key, name, serial_number, mac_address, ip_address, first_seen, last_seen,
            last_profile, created_at, updated_at)
        VALUES (
            @IdentityKind, @IdentityKey, @Name, @SerialNumber, @MacAddress, @IpAddress, @SeenAt, @SeenAt,
            @Profile, @SeenAt, @SeenAt)
        ON CONFLICT (identity_kind, identity_key) DO UPDATE SET
            name = COALESCE(devices.name, excluded.name),
            serial_number = COALESCE(devices.serial_number, excluded.serial_number),
            mac_address = COALESCE(devices.mac_address, excluded.mac_address),
            ip_address = COALESCE(devices.ip_address, excluded.ip_address),
            first_seen = COALESCE(devices.first_seen, excluded.first_seen),
            last_seen = excluded.last_seen,
            last_profile = excluded.last_profile,
            updated_at = excluded.updated_at
        RETURNING id
        """,
        ("@IdentityKind", static row => row.IdentityKind),
        ("@IdentityKey", static row => row.IdentityKey),
        ("@Name", static row => row.Name),
        ("@SerialNumber", static row => row.SerialNumber),
        ("@MacAddress", static row => row.MacAddress),
        ("@IpAddress", static row => row.IpAddress),
        ("@SeenAt", static row => row.SeenAt),
        ("@Profile", static row => row.Profile));

    public static readonly SqliteStatement<string> FindCertificateBySerial = new(
        $"""
        SELECT {CertificateColumns}
        FROM certificates
        WHERE serial = @Serial
        """,
        ("@Serial", static serial => serial));

    public static readonly SqliteStatement<string> FindCertificateByThumbprint = new(
        $"""
        SELECT {CertificateColumns}
        FROM certificates
        WHERE thumbprint_sha256 = @ThumbprintSha256
        """,
        ("@ThumbprintSha256", static thumbprint => thumbprint));

    /// <summary>RFC 5280 validity is inclusive of notAfter, so a certificate expiring at the instant still counts.</summary>
    public static readonly SqliteStatement<long> ListRevoked = new(
        $"""
        SELECT {CertificateColumns}
        FROM certificates
        WHERE revoked_at IS NOT NULL AND not_after >= @NotExpiredAt
        ORDER BY revoked_at, serial
        """,
        ("@NotExpiredAt", static notExpiredAt => notExpiredAt));

    public static readonly SqliteStatement<(string Serial, long Reason, long RevokedAt)> Revoke = new(
        """
        UPDATE certificates
        SET revoked_at = @RevokedAt, revocation_reason = @Reason
        WHERE serial = @Serial
        """,
        ("@Serial", static revocation => revocation.Serial),
        ("@Reason", static revocation => revocation.Reason),
        ("@RevokedAt", static revocation => revocation.RevokedAt));

    /// <summary>
    /// Appends an audit event and keeps its class within its cap: the class's count goes up by one, and whatever is
    /// over the cap (normally one event, the class's oldest) is deleted by an index seek. Used by
    /// <see cref="SqliteAudit.Append"/> and, prepared, on the SCEP hot path.
    /// </summary>
    public const string AppendAuditEventSql = """
        INSERT INTO audit_events (time, action, outcome, actor, source_address, target, profile, details, class)
        VALUES (@Time, @Action, @Outcome, @Actor, @SourceAddress, @Target, @Profile, @Details, @Class);
        UPDATE audit_class_counts SET kept = kept + 1 WHERE class = @Class;
        DELETE FROM audit_events WHERE id IN (
            SELECT id FROM audit_events WHERE class = @Class ORDER BY id
            LIMIT max(0, (SELECT kept FROM audit_class_counts WHERE class = @Class) - @MaxRecords));
        UPDATE audit_class_counts SET kept = @MaxRecords WHERE class = @Class AND kept > @MaxRecords
        """;

    /// <summary><see cref="AppendAuditEventSql"/> with its parameters, prepared per connection.</summary>
    public static readonly SqliteStatement<(AuditEvent Event, AuditLimits Limits)> AppendAuditEvent = new(
        AppendAuditEventSql,
        ("@Time", static args => UnixMicroseconds.From(args.Event.Time)),
        ("@Action", static args => args.Event.Action),
        ("@Outcome", static args => (long)args.Event.Outcome),
        ("@Actor", static args => args.Event.Actor),
        ("@SourceAddress", static args => args.Event.SourceAddress),
        ("@Target", static args => args.Event.Target),
        ("@Profile", static args => args.Event.Profile),
        ("@Details", static args => AuditRows.Bounded(args.Event.Details)),
        ("@Class", static args => (long)AuditClasses.Of(args.Event.Action)),
        ("@MaxRecords", static args => args.Limits.For(AuditClasses.Of(args.Event.Action))));

    public const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at INTEGER NOT NULL
        )
        """;

    public const string CurrentVersion = "SELECT COALESCE(MAX(version), 0) FROM schema_version";

    public const string VersionTableExists =
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";

    public const string RecordVersion =
        "INSERT INTO schema_version (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)";
}

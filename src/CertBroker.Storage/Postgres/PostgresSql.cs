using CertBroker.Core.Model;
using CertBroker.Storage.Rows;
using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// The statements of the enrolment hot path on PostgreSQL, and the column lists the row classes are read with
/// (aliased to their PascalCase property names, so Dapper maps them).
/// </summary>
internal static class PostgresSql
{
    /// <summary>Columns of <see cref="TransactionRow"/>.</summary>
    public const string TransactionColumns = """
        id AS Id, profile AS Profile, transaction_id AS TransactionId, message_type AS MessageType, state AS State,
        public_key_sha256::text AS PublicKeySha256, subject AS Subject, requester_address AS RequesterAddress,
        content_encryption_algorithm AS ContentEncryptionAlgorithm, digest_algorithm AS DigestAlgorithm,
        signature_algorithm AS SignatureAlgorithm, fail_info AS FailInfo, certification_request AS CertificationRequest,
        certificate_serial::text AS CertificateSerial, created_at AS CreatedAt, updated_at AS UpdatedAt,
        subject_alt_names AS SubjectAltNames, key_algorithm AS KeyAlgorithm, key_size AS KeySize,
        challenge_mode AS ChallengeMode, findings AS Findings, device_id AS DeviceId, expires_at AS ExpiresAt,
        decision AS Decision, decided_by AS DecidedBy, decided_at AS DecidedAt, decision_reason AS DecisionReason,
        issued_subject AS IssuedSubject, issued_subject_alt_names AS IssuedSubjectAltNames, name_findings AS NameFindings
        """;

    /// <summary>Columns of <see cref="CertificateRow"/> from the table aliased <c>certificates</c>, findings as a JSON array.</summary>
    public const string CertificateColumns = """
        certificates.serial::text AS Serial, certificates.profile AS Profile, certificates.issuer AS Issuer,
        certificates.subject AS Subject, certificates.subject_alt_names AS SubjectAltNames,
        certificates.not_before AS NotBefore, certificates.not_after AS NotAfter,
        certificates.key_algorithm AS KeyAlgorithm, certificates.key_size AS KeySize,
        certificates.signature_algorithm AS SignatureAlgorithm, certificates.thumbprint_sha256::text AS ThumbprintSha256,
        certificates.public_key_sha256::text AS PublicKeySha256, certificates.der AS Der,
        certificates.transaction_id AS TransactionId, certificates.issued_at AS IssuedAt,
        certificates.revoked_at AS RevokedAt, certificates.revocation_reason AS RevocationReason,
        certificates.device_id AS DeviceId, certificates.renewal_due_at AS RenewalDueAt,
        certificates.renewal_state AS RenewalState, certificates.last_renewal_attempt_at AS LastRenewalAttemptAt,
        certificates.last_renewal_result AS LastRenewalResult, certificates.superseded_by::text AS SupersededBy,
        certificates.source AS Source,
        (SELECT COALESCE(json_agg(json_build_object('ruleId', f.rule_id, 'severity', f.severity, 'observed', f.observed,
                'threshold', f.threshold, 'message', f.message) ORDER BY f.id), '[]'::json)::text
         FROM findings f WHERE f.certificate_id = certificates.id) AS Findings
        """;

    public const string UpsertTransaction = """
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
        """;

    public const string InsertCertificate = """
        INSERT INTO certificates (
            serial, profile, issuer, subject, subject_alt_names, not_before, not_after, key_algorithm, key_size,
            signature_algorithm, thumbprint_sha256, public_key_sha256, der, transaction_id, issued_at, revoked_at,
            revocation_reason, device_id, renewal_due_at, source)
        VALUES (
            @Serial, @Profile, @Issuer, @Subject, @SubjectAltNames, @NotBefore, @NotAfter, @KeyAlgorithm, @KeySize,
            @SignatureAlgorithm, @ThumbprintSha256, @PublicKeySha256, @Der, @TransactionId, @IssuedAt, @RevokedAt,
            @RevocationReason, @DeviceId, @RenewalDueAt, @Source)
        ON CONFLICT DO NOTHING
        """;

    /// <summary>
    /// WC-KEY-04 on the enrolment path, as on SQLite: the certificate's key is in a certificate of another device (or
    /// of no device). Each probe is an ordered seek on ix_certificates_public_key_sha256 (key digest, device), so the
    /// cost does not grow with the number of certificates sharing a key. As a plain join, or a LIMIT 1 subquery with
    /// an inequality filter, PostgreSQL's planner chose to scan the whole table whenever its statistics showed keys
    /// shared by many certificates, which a client can arrange by re-using a key.
    /// </summary>
    public const string FlagSharedKey = FlagSharedKeyOf + "c.serial = @Serial::citext" + FlagSharedKeyEnd;

    /// <summary><see cref="FlagSharedKey"/> for the certificate whose id is <c>@Id</c>.</summary>
    public const string FlagSharedKeyById = FlagSharedKeyOf + "c.id = @Id" + FlagSharedKeyEnd;

    private const string FlagSharedKeyEnd = " ON CONFLICT (certificate_id, rule_id) DO NOTHING";

    private const string FlagSharedKeyOf = """
        INSERT INTO findings (certificate_id, rule_id, severity, observed, threshold, message, found_at)
        SELECT c.id, 'WC-KEY-04', 2, 'same key as certificate ' || o.serial, 'a key of its own',
               'Key also used by another device (certificate ' || o.serial || ')', @FoundAt
        FROM certificates c
        CROSS JOIN LATERAL (
            (SELECT other.serial FROM certificates other
             WHERE c.device_id IS NULL AND other.public_key_sha256 = c.public_key_sha256 AND other.id <> c.id LIMIT 1)
            UNION ALL
            (SELECT other.serial FROM certificates other
             WHERE c.device_id IS NOT NULL AND other.public_key_sha256 = c.public_key_sha256 AND other.device_id IS NULL LIMIT 1)
            UNION ALL
            (SELECT other.serial FROM certificates other
             WHERE other.public_key_sha256 = c.public_key_sha256 AND other.device_id < c.device_id
             ORDER BY other.device_id DESC LIMIT 1)
            UNION ALL
            (SELECT other.serial FROM certificates other
             WHERE other.public_key_sha256 = c.public_key_sha256 AND other.device_id > c.device_id
             ORDER BY other.device_id LIMIT 1)
            LIMIT 1) o
        WHERE 
        """;

    public const string Supersede = """
        UPDATE certificates
        SET renewal_state = 4, superseded_by = @SupersededBy, last_renewal_attempt_at = @At,
            last_renewal_result = 'renewed by ' || @SupersededBy
        WHERE serial = @Serial::citext AND renewal_state < 3
        """;

    public const string UpsertDevice = """
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
        """;

    public const string FindCertificateBySerial = $"SELECT {CertificateColumns} FROM certificates WHERE serial = @Serial::citext";

    /// <summary>
    /// Serialises every write of one SCEP transaction across all nodes: held until the database transaction ends. Taken
    /// before the transaction's row is read, so a second message of the same transaction on another node waits and
    /// then finds it Issued, even when the row did not exist before.
    /// </summary>
    public static Task LockTransactionKey(NpgsqlConnection connection, NpgsqlTransaction transaction, string profile, string transactionId) =>
        connection.ExecuteAsync(LockTransactionKeySql, new { Key = TransactionKey(profile, transactionId) }, transaction);

    public const string LockTransactionKeySql = "SELECT pg_advisory_xact_lock(hashtextextended(@Key, 0))";

    /// <summary>The text hashed into the transaction's lock key; the length prefix keeps (a, bc) and (ab, c) apart.</summary>
    public static string TransactionKey(string profile, string transactionId) =>
        profile.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + profile + "/" + transactionId;

    public static Task RecordRenewalAttempt(NpgsqlConnection connection, NpgsqlTransaction transaction, string serial, long at, string result) =>
        connection.ExecuteAsync(
            "UPDATE certificates SET last_renewal_attempt_at = @At, last_renewal_result = @Result WHERE serial = @Serial::citext",
            new { Serial = serial, At = at, Result = result }, transaction);
}

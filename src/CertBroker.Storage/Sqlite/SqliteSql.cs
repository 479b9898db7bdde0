namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Every statement the SQLite store runs. Columns are aliased to the row classes' property names so Dapper maps
/// them without global naming settings that would leak into other users of Dapper in the process.
/// </summary>
internal static class SqliteSql
{
    private const string TransactionColumns = """
        id AS Id, profile AS Profile, transaction_id AS TransactionId, message_type AS MessageType, state AS State,
        public_key_sha256 AS PublicKeySha256, subject AS Subject, requester_address AS RequesterAddress,
        content_encryption_algorithm AS ContentEncryptionAlgorithm, digest_algorithm AS DigestAlgorithm,
        signature_algorithm AS SignatureAlgorithm, fail_info AS FailInfo,
        certification_request AS CertificationRequest, certificate_serial AS CertificateSerial,
        created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    private const string CertificateColumns = """
        serial AS Serial, profile AS Profile, issuer AS Issuer, subject AS Subject,
        subject_alt_names AS SubjectAltNames, not_before AS NotBefore, not_after AS NotAfter,
        key_algorithm AS KeyAlgorithm, key_size AS KeySize, signature_algorithm AS SignatureAlgorithm,
        thumbprint_sha256 AS ThumbprintSha256, public_key_sha256 AS PublicKeySha256, der AS Der,
        transaction_id AS TransactionId, issued_at AS IssuedAt, revoked_at AS RevokedAt,
        revocation_reason AS RevocationReason
        """;

    public const string FindTransaction = $"""
        SELECT {TransactionColumns}
        FROM transactions
        WHERE profile = @Profile AND transaction_id = @TransactionId
        """;

    public const string FindTransactionState = """
        SELECT state AS State, certificate_serial AS CertificateSerial
        FROM transactions
        WHERE profile = @Profile AND transaction_id = @TransactionId
        """;

    /// <summary>
    /// Inserts or updates a transaction unless it is already Issued (state 1), in which case it changes no row.
    /// created_at keeps its first value: it records when the transaction began, not when it was last saved.
    /// </summary>
    public const string UpsertTransaction = """
        INSERT INTO transactions (
            profile, transaction_id, message_type, state, public_key_sha256, subject, requester_address,
            content_encryption_algorithm, digest_algorithm, signature_algorithm, fail_info, certification_request,
            certificate_serial, created_at, updated_at)
        VALUES (
            @Profile, @TransactionId, @MessageType, @State, @PublicKeySha256, @Subject, @RequesterAddress,
            @ContentEncryptionAlgorithm, @DigestAlgorithm, @SignatureAlgorithm, @FailInfo, @CertificationRequest,
            @CertificateSerial, @CreatedAt, @UpdatedAt)
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
            updated_at = excluded.updated_at
        WHERE transactions.state <> 1
        """;

    /// <summary>Changes no row when the serial or thumbprint is taken, so the caller can tell a clash from success.</summary>
    public const string InsertCertificate = """
        INSERT INTO certificates (
            serial, profile, issuer, subject, subject_alt_names, not_before, not_after, key_algorithm, key_size,
            signature_algorithm, thumbprint_sha256, public_key_sha256, der, transaction_id, issued_at, revoked_at,
            revocation_reason)
        VALUES (
            @Serial, @Profile, @Issuer, @Subject, @SubjectAltNames, @NotBefore, @NotAfter, @KeyAlgorithm, @KeySize,
            @SignatureAlgorithm, @ThumbprintSha256, @PublicKeySha256, @Der, @TransactionId, @IssuedAt, @RevokedAt,
            @RevocationReason)
        ON CONFLICT DO NOTHING
        """;

    public const string FindCertificateBySerial = $"""
        SELECT {CertificateColumns}
        FROM certificates
        WHERE serial = @Serial
        """;

    public const string FindCertificateByThumbprint = $"""
        SELECT {CertificateColumns}
        FROM certificates
        WHERE thumbprint_sha256 = @ThumbprintSha256
        """;

    /// <summary>RFC 5280 validity is inclusive of notAfter, so a certificate expiring at the instant still counts.</summary>
    public const string ListRevoked = $"""
        SELECT {CertificateColumns}
        FROM certificates
        WHERE revoked_at IS NOT NULL AND not_after >= @NotExpiredAt
        ORDER BY revoked_at, serial
        """;

    public const string Revoke = """
        UPDATE certificates
        SET revoked_at = @RevokedAt, revocation_reason = @Reason
        WHERE serial = @Serial
        """;

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

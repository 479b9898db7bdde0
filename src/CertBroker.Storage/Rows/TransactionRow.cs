namespace CertBroker.Storage.Rows;

/// <summary>
/// A transactions row as the database holds it: timestamps in Unix microseconds, the state as its number.
/// Property names are the column names in PascalCase; queries alias columns to them.
/// </summary>
internal sealed class TransactionRow
{
    public long Id { get; set; }

    public string Profile { get; set; } = "";

    public string TransactionId { get; set; } = "";

    public long MessageType { get; set; }

    public long State { get; set; }

    public string PublicKeySha256 { get; set; } = "";

    public string Subject { get; set; } = "";

    public string? RequesterAddress { get; set; }

    public string? ContentEncryptionAlgorithm { get; set; }

    public string? DigestAlgorithm { get; set; }

    public string? SignatureAlgorithm { get; set; }

    public string? FailInfo { get; set; }

    public byte[]? CertificationRequest { get; set; }

    public string? CertificateSerial { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    /// <summary>JSON array, or null for none.</summary>
    public string? SubjectAltNames { get; set; }

    public string? KeyAlgorithm { get; set; }

    public long? KeySize { get; set; }

    public string? ChallengeMode { get; set; }

    /// <summary>JSON array, or null for none.</summary>
    public string? Findings { get; set; }

    public long? DeviceId { get; set; }

    public long? ExpiresAt { get; set; }

    public long? Decision { get; set; }

    public string? DecidedBy { get; set; }

    public long? DecidedAt { get; set; }

    public string? DecisionReason { get; set; }

    public string? IssuedSubject { get; set; }

    /// <summary>JSON array of strings, or NULL.</summary>
    public string? IssuedSubjectAltNames { get; set; }

    /// <summary>JSON array of strings, or NULL.</summary>
    public string? NameFindings { get; set; }
}

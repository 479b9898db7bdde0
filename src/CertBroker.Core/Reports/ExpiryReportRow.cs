namespace CertBroker.Core.Reports;

/// <summary>One certificate of the expiry report, with its device, renewal progress and policy findings.</summary>
public sealed record ExpiryReportRow
{
    public long? DeviceId { get; init; }

    /// <summary>The device's name, or its identity key when it has no name; null when the certificate has no device.</summary>
    public string? Device { get; init; }

    public required string Profile { get; init; }

    public required string Subject { get; init; }

    public required IReadOnlyList<string> SubjectAlternativeNames { get; init; }

    public required string Serial { get; init; }

    public required string Issuer { get; init; }

    public required string ThumbprintSha256 { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>Whole days from the report's time to notAfter, rounded down; negative once expired.</summary>
    public required long DaysRemaining { get; init; }

    public DateTimeOffset? RenewalDueAt { get; init; }

    public DateTimeOffset? LastRenewalAttemptAt { get; init; }

    public string? LastRenewalResult { get; init; }

    /// <summary>RSA, EC, DSA or the key's OID name.</summary>
    public required string KeyAlgorithm { get; init; }

    /// <summary>Key size in bits (for EC, the curve's size); 0 when unknown.</summary>
    public required int KeySize { get; init; }

    /// <summary>The NIST curve name of an EC key (P-256, P-384, P-521), otherwise null.</summary>
    public string? Curve => KeyAlgorithm == "EC" ? KeySize switch { 256 => "P-256", 384 => "P-384", 521 => "P-521", _ => null } : null;

    public required string SignatureAlgorithm { get; init; }

    /// <summary>The weak-crypto rule IDs that found something in this certificate, in rule order.</summary>
    public required IReadOnlyList<string> Findings { get; init; }

    public required ExpiryState State { get; init; }
}

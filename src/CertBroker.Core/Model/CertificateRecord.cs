namespace CertBroker.Core.Model;

/// <summary>A certificate the broker issued (or, later, imported), with the facts reports need.</summary>
public sealed record CertificateRecord
{
    /// <summary>Serial number as lower-case hex without leading zero bytes beyond DER's sign byte.</summary>
    public required string Serial { get; init; }

    public required string Profile { get; init; }

    public required string Issuer { get; init; }

    public required string Subject { get; init; }

    public required IReadOnlyList<string> SubjectAlternativeNames { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>"RSA", "EC" or "DSA".</summary>
    public required string KeyAlgorithm { get; init; }

    /// <summary>Modulus length for RSA, field size for EC.</summary>
    public required int KeySize { get; init; }

    /// <summary>Signature algorithm of the certificate, e.g. "sha256RSA".</summary>
    public required string SignatureAlgorithm { get; init; }

    /// <summary>Lower-case hex SHA-256 of the DER certificate.</summary>
    public required string ThumbprintSha256 { get; init; }

    /// <summary>Lower-case hex SHA-256 of the SubjectPublicKeyInfo.</summary>
    public required string PublicKeySha256 { get; init; }

    public required byte[] Der { get; init; }

    /// <summary>The SCEP transaction that produced it, if any.</summary>
    public string? TransactionId { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>RFC 5280 CRLReason code when revoked.</summary>
    public int? RevocationReason { get; init; }

    /// <summary>The inventory device it was issued to; set by the store from <see cref="EnrolmentTransaction.Device"/>.</summary>
    public long? DeviceId { get; init; }

    /// <summary>
    /// When the device should renew (<c>Renewal.RenewalDueTime</c>); computed in memory when the certificate is
    /// issued, so it is written with the certificate. Null for certificates the scheduler has not planned yet.
    /// </summary>
    public DateTimeOffset? RenewalDueAt { get; init; }

    /// <summary>Where the certificate is in its renewal life; the sweep moves it on, a renewal supersedes it.</summary>
    public RenewalState RenewalState { get; init; }

    /// <summary>The last renewal request signed with this certificate, accepted or refused.</summary>
    public DateTimeOffset? LastRenewalAttemptAt { get; init; }

    /// <summary>What became of that request: "renewed by SERIAL", or the reason it was refused.</summary>
    public string? LastRenewalResult { get; init; }

    /// <summary>The serial of the certificate that renewed this one.</summary>
    public string? SupersededBy { get; init; }

    /// <summary>Issued by this broker, or imported from elsewhere (NDES, a device's own certificate).</summary>
    public CertificateSource Source { get; init; }

    /// <summary>
    /// The weak-crypto findings about it (table <c>findings</c>). When saving: null means the policy did not run
    /// (mode Off) and nothing is written; when reading, always a list.
    /// </summary>
    public IReadOnlyList<Finding>? Findings { get; init; }
}

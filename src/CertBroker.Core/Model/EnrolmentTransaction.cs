namespace CertBroker.Core.Model;

/// <summary>
/// One SCEP transaction: every message with the same profile and transactionID belongs to it (RFC 8894 §3.2.1.1).
/// </summary>
public sealed record EnrolmentTransaction
{
    public long Id { get; init; }

    public required string Profile { get; init; }

    /// <summary>The transactionID exactly as the client sent it.</summary>
    public required string TransactionId { get; init; }

    /// <summary>SCEP messageType number of the request that created or last updated it (19 PKCSReq, 17 RenewalReq).</summary>
    public required int MessageType { get; init; }

    public required TransactionState State { get; init; }

    /// <summary>Lower-case hex SHA-256 of the CSR's SubjectPublicKeyInfo; a re-send with another key is refused.</summary>
    public required string PublicKeySha256 { get; init; }

    /// <summary>Subject of the CSR in RFC 4514 form.</summary>
    public required string Subject { get; init; }

    public string? RequesterAddress { get; init; }

    /// <summary>Content-encryption algorithm of the request envelope, e.g. "AES-256-CBC", "DES-CBC".</summary>
    public string? ContentEncryptionAlgorithm { get; init; }

    /// <summary>Digest algorithm of the request signature, e.g. "SHA-256".</summary>
    public string? DigestAlgorithm { get; init; }

    /// <summary>Signature algorithm of the request, e.g. "RSA-PKCS1", "RSA-PSS".</summary>
    public string? SignatureAlgorithm { get; init; }

    /// <summary>RFC 8894 failInfo name when <see cref="State"/> is Failed, e.g. "badRequest".</summary>
    public string? FailInfo { get; init; }

    /// <summary>The CSR as received (DER), kept so a pending request can be issued later.</summary>
    public byte[]? CertificationRequest { get; init; }

    /// <summary>Serial (lower-case hex) of the certificate issued for this transaction.</summary>
    public string? CertificateSerial { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>SANs of the CSR as OpenSSL prints them; recorded for requests that enter the approval queue.</summary>
    public IReadOnlyList<string> SubjectAlternativeNames { get; init; } = [];

    /// <summary>"RSA", "EC" or "DSA", for queued requests.</summary>
    public string? KeyAlgorithm { get; init; }

    /// <summary>Modulus length for RSA, field size for EC, for queued requests.</summary>
    public int? KeySize { get; init; }

    /// <summary>How the request was authorised before it was queued: a challenge mode name or "Renewal". Never the value.</summary>
    public string? ChallengeMode { get; init; }

    /// <summary>Policy notes for the admin who decides (weak key, weak digest); empty when nothing stood out.</summary>
    public IReadOnlyList<string> Findings { get; init; } = [];

    /// <summary>The inventory device the request matched, when device matching found one.</summary>
    public long? DeviceId { get; init; }

    /// <summary>When a pending request stops waiting and fails as expired; set only for queued requests.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>How the approval queue settled the request; null while pending and for requests never queued.</summary>
    public RequestDecision? Decision { get; init; }

    /// <summary>The admin (user name or <c>token:NAME</c>) or <c>system</c> that decided.</summary>
    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>The reason given with a rejection, or why the broker expired the request.</summary>
    public string? DecisionReason { get; init; }

    /// <summary>
    /// Written with an Issued transaction, never read back: the device to create or update in the inventory, in
    /// the same database transaction, and to link the certificate to.
    /// </summary>
    public DeviceObservation? Device { get; init; }

    /// <summary>
    /// Written with an Issued or Pending transaction, never read back: the one-time password that authorised it,
    /// marked used by this transaction in the same database transaction.
    /// </summary>
    public ChallengeRedemption? Challenge { get; init; }

    /// <summary>
    /// Written with an Issued or Failed transaction, never read back: the serial of the certificate whose renewal
    /// this is. Issued marks it superseded by the new one, Failed records <see cref="RenewalResult"/> as its last
    /// renewal attempt, in the same database transaction.
    /// </summary>
    public string? RenewalOf { get; init; }

    /// <summary>Written with a Failed transaction that has <see cref="RenewalOf"/>: why the renewal was refused.</summary>
    public string? RenewalResult { get; init; }

    /// <summary>The subject the name policy would issue, when the request waited (for an admin or an upstream CA).</summary>
    public string? IssuedSubject { get; init; }

    /// <summary>The subjectAltName entries the name policy would issue, as printed.</summary>
    public IReadOnlyList<string> IssuedSubjectAlternativeNames { get; init; } = [];

    /// <summary>What the name policy refused or left out ("RULE dropped NAME: why").</summary>
    public IReadOnlyList<string> NameFindings { get; init; } = [];
}

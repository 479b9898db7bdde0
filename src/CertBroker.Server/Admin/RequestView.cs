using CertBroker.Core.Storage;

namespace CertBroker.Server.Admin;

/// <summary>
/// A queued request as the admin API shows it: everything needed to decide, never the challenge value. The
/// <see cref="TransactionId"/> is the client's own; a renewal's stored key adds the serial it renews, shown as
/// <see cref="RenewalOf"/>.
/// </summary>
internal sealed record RequestView(
    long Id,
    string TransactionId,
    string? RenewalOf,
    string Profile,
    string Status,
    string Subject,
    IReadOnlyList<string> SubjectAlternativeNames,
    RequestKey Key,
    string? RequesterAddress,
    RequestAlgorithms Algorithms,
    string? ChallengeMode,
    IReadOnlyList<string> Findings,
    long? DeviceId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionReason,
    string? CertificateSerial)
{
    /// <summary>How TransactionKey marks a renewal's own transaction.</summary>
    private const string RenewalMarker = "#renewal:";

    public static RequestView From(EnrolmentTransaction request)
    {
        int marker = request.TransactionId.LastIndexOf(RenewalMarker, StringComparison.Ordinal);
        return new RequestView(
            request.Id,
            marker < 0 ? request.TransactionId : request.TransactionId[..marker],
            marker < 0 ? null : request.TransactionId[(marker + RenewalMarker.Length)..],
            request.Profile,
            StatusOf(request),
            request.Subject,
            request.SubjectAlternativeNames,
            new RequestKey(request.KeyAlgorithm, request.KeySize),
            request.RequesterAddress,
            new RequestAlgorithms(request.ContentEncryptionAlgorithm, request.DigestAlgorithm, request.SignatureAlgorithm),
            request.ChallengeMode,
            request.Findings,
            request.DeviceId,
            request.CreatedAt,
            request.ExpiresAt,
            request.DecidedBy,
            request.DecidedAt,
            request.DecisionReason,
            request.CertificateSerial);
    }

    /// <summary>pending, issued, rejected or expired (failed, for a request refused outside the queue).</summary>
    public static string StatusOf(EnrolmentTransaction request) => request switch
    {
        { State: TransactionState.Pending } => "pending",
        { State: TransactionState.Issued } => "issued",
        { Decision: RequestDecision.Rejected } => "rejected",
        { Decision: RequestDecision.Expired } => "expired",
        _ => "failed",
    };
}

/// <param name="Algorithm">"RSA", "EC" or "DSA".</param>
/// <param name="Size">Bits: modulus for RSA, field size for EC.</param>
internal sealed record RequestKey(string? Algorithm, int? Size);

/// <summary>What the client used for its request: envelope cipher, signature digest and signature scheme.</summary>
internal sealed record RequestAlgorithms(string? ContentEncryption, string? Digest, string? Signature);

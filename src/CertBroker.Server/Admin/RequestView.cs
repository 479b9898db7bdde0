using CertBroker.Core.Enrolment;
using CertBroker.Core.Model;
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
    string? CertificateSerial,
    RequestNamesView Names,
    UpstreamView? Upstream = null)
{
    public static RequestView From(EnrolmentTransaction request)
    {
        (string transactionId, string? renewalOf) = StoredTransactionId.Split(request.TransactionId);
        return new RequestView(
            request.Id,
            transactionId,
            renewalOf,
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
            request.CertificateSerial,
            new RequestNamesView(request.IssuedSubject, request.IssuedSubjectAlternativeNames, request.NameFindings));
    }

    /// <summary>The view with its upstream request, for a request that went to an upstream CA.</summary>
    public static async Task<RequestView> FromAsync(EnrolmentTransaction request, IUpstreamRequestStore upstreamRequests, CancellationToken cancellationToken)
    {
        RequestView view = From(request);
        return await upstreamRequests.FindUpstreamRequestAsync(request.Profile, request.TransactionId, cancellationToken).ConfigureAwait(false) is { } upstream
            ? view with { Upstream = UpstreamView.From(upstream) }
            : view;
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

/// <summary>
/// Where a request stands at the upstream CA: pending (not yet accepted, the upstream could not be reached),
/// submitted (the upstream answered PENDING and is polled), issued or failed; with the consecutive attempts that
/// could not reach it, the next attempt, the last error, and the algorithms used towards it.
/// </summary>
internal sealed record UpstreamView(
    string State, string UpstreamTransactionId, int Attempts, DateTimeOffset? NextAttemptAt, string? LastError, string? Cipher, string? Digest, DateTimeOffset UpdatedAt)
{
    public static UpstreamView From(UpstreamRequest request) => new(
        request.State.ToString().ToLowerInvariant(),
        request.UpstreamTransactionId,
        request.Attempts,
        request.NextAttemptAt,
        request.LastError,
        request.Cipher,
        request.Digest,
        request.UpdatedAt);
}

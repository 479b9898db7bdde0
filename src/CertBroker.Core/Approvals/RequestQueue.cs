using System.Globalization;
using CertBroker.Core.Audit;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Issuing;
using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Approvals;

/// <summary>
/// The admin's side of Manual approval: approve (the certificate is issued now, so the device's next poll or re-send
/// only collects it), reject with a reason, and expire what nobody decided. Every decision takes the transaction's
/// lock, re-reads the request under it, and writes the change and its audit event in one database transaction.
/// </summary>
public sealed class RequestQueue(
    IApprovalStore requests,
    IEnrolmentStore enrolments,
    ICertificateIssuer issuer,
    ProfileCatalog profiles,
    TransactionLocks transactions,
    TimeProvider time,
    AuditRecorder? audit = null,
    Policy.WeakCryptoPolicy? policy = null,
    UpstreamRelay? relay = null)
{
    /// <summary>The most requests one sweep expires; the next sweep takes the rest.</summary>
    public const int SweepBatch = 500;

    private const int SerialAttempts = 3;

    private const string ChangedMeanwhile = "The request changed while it was being decided.";

    private readonly QueueDecisions _decisions = new(enrolments, audit);

    /// <param name="id">The request's ID.</param>
    /// <param name="decider">Who approves: actor and source address for the audit trail.</param>
    /// <param name="cancellationToken">Cancels the wait for the lock and the writes.</param>
    public Task<QueueDecision> ApproveAsync(long id, Decider decider, CancellationToken cancellationToken) =>
        DecideAsync(id, (request, now) => IssueAsync(request, decider, now, cancellationToken), cancellationToken);

    /// <param name="id">The request's ID.</param>
    /// <param name="reason">Why: stored with the request and written to the audit trail; the device only sees badRequest.</param>
    /// <param name="decider">Who rejects.</param>
    /// <param name="cancellationToken">Cancels the wait for the lock and the write.</param>
    public Task<QueueDecision> RejectAsync(long id, string reason, Decider decider, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return DecideAsync(id, async (request, now) =>
        {
            AuditEvent auditEvent = Audit(request, decider, now, AuditActions.RequestRejected, $"transactionID {request.TransactionId}, subject {request.Subject}: {reason}");
            return await _decisions.FailAsync(request, RequestDecision.Rejected, decider.Actor, reason, auditEvent, cancellationToken).ConfigureAwait(false)
                ? null
                : ChangedMeanwhile;
        }, cancellationToken);
    }

    /// <summary>Fails every pending request past its expiry as of now.</summary>
    /// <returns>How many expired.</returns>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        int expired = 0;
        IReadOnlyList<EnrolmentTransaction> due = await requests.ListExpiredAsync(time.GetUtcNow(), SweepBatch, cancellationToken).ConfigureAwait(false);
        foreach (EnrolmentTransaction candidate in due)
        {
            using IDisposable held = await transactions.AcquireAsync(candidate.Profile, candidate.TransactionId, cancellationToken).ConfigureAwait(false);
            EnrolmentTransaction? request = await requests.FindRequestAsync(candidate.Id, cancellationToken).ConfigureAwait(false);
            if (request is not null && QueueDecisions.IsDue(request, time.GetUtcNow())
                && await _decisions.ExpireAsync(request, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                expired++;
            }
        }

        return expired;
    }

    /// <param name="id">The request.</param>
    /// <param name="decide">Writes the decision for the pending request read under the lock; returns null when done,
    /// else why not.</param>
    /// <param name="cancellationToken">Cancels the wait for the lock and the writes.</param>
    private async Task<QueueDecision> DecideAsync(long id, Func<EnrolmentTransaction, DateTimeOffset, Task<string?>> decide, CancellationToken cancellationToken)
    {
        EnrolmentTransaction? found = await requests.FindRequestAsync(id, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return QueueDecision.NotFound;
        }

        using IDisposable held = await transactions.AcquireAsync(found.Profile, found.TransactionId, cancellationToken).ConfigureAwait(false);
        EnrolmentTransaction request = await requests.FindRequestAsync(id, cancellationToken).ConfigureAwait(false) ?? found;
        DateTimeOffset now = time.GetUtcNow();
        if (QueueDecisions.IsDue(request, now))
        {
            await _decisions.ExpireAsync(request, now, cancellationToken).ConfigureAwait(false);
            return QueueDecision.Conflict(await requests.FindRequestAsync(id, cancellationToken).ConfigureAwait(false) ?? request, "The request expired before this decision.");
        }

        if (request.State != TransactionState.Pending)
        {
            return QueueDecision.Conflict(request, $"The request is no longer pending: it was {Describe(request)}.");
        }

        string? problem = await decide(request, now).ConfigureAwait(false);
        EnrolmentTransaction after = await requests.FindRequestAsync(id, cancellationToken).ConfigureAwait(false) ?? request;
        return problem is null ? QueueDecision.Done(after) : QueueDecision.Conflict(after, problem);
    }

    private async Task<string?> IssueAsync(EnrolmentTransaction request, Decider decider, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (profiles.Find(request.Profile) is not { } profile)
        {
            // The configuration changed since the request was queued: there is no template to issue with.
            return $"Profile {request.Profile} is no longer configured, so nothing can be issued for it; reject the request instead.";
        }

        if (relay is not null && relay.Serves(profile.Name))
        {
            return await RelayAsync(profile, request, decider, now, cancellationToken).ConfigureAwait(false);
        }

        CertificationRequest csr = CertificationRequest.Parse(request.CertificationRequest
            ?? throw new InvalidOperationException($"Request {request.Id} has no stored CSR."));
        var issueRequest = new IssueRequest(csr.Subject, csr.GetPublicKey(), csr.SubjectAlternativeName, profile.Template);
        for (int attempt = 1; ; attempt++)
        {
            IssuedCertificate certificate = await issuer.IssueAsync(issueRequest, cancellationToken).ConfigureAwait(false);
            // The findings the admin saw, worked out again from the stored CSR and envelope, go with the certificate.
            CertificateRecord record = RenewalDueTime.Plan(
                CertificateRecords.From(certificate, issueRequest, profile.Name, request.TransactionId, now), profile.Options, Random.Shared) with
            {
                Findings = policy?.EvaluateRequest(profile, csr, request.ContentEncryptionAlgorithm, request.DigestAlgorithm),
            };
            AuditEvent auditEvent = Audit(request, decider, now, AuditActions.RequestApproved,
                $"transactionID {request.TransactionId}, subject {request.Subject}: certificate {record.Serial} issued.");
            EnrolmentTransaction issued = request with
            {
                State = TransactionState.Issued,
                CertificateSerial = record.Serial,
                Decision = RequestDecision.Approved,
                DecidedBy = decider.Actor,
                DecidedAt = now,
                UpdatedAt = now,
                // An approved request is an enrolment like any other: its device is recorded with the certificate,
                // and an approved renewal supersedes the certificate it renews.
                Device = Inventory.DeviceObservation.From(csr, profile, request.RequesterAddress, now),
                RenewalOf = StoredTransactionId.Split(request.TransactionId).RenewedSerial,
            };
            try
            {
                IssueOutcome outcome = await enrolments.SaveIssuedAsync(issued, record, auditEvent, cancellationToken).ConfigureAwait(false);
                if (!outcome.AlreadyIssued)
                {
                    audit?.Committed(auditEvent);
                }

                return outcome.AlreadyIssued ? ChangedMeanwhile : null;
            }
            catch (DuplicateSerialException) when (attempt < SerialAttempts)
            {
                // As in enrolment: a clashing 128-bit serial is astronomically rare; sign again.
            }
        }
    }

    // Backend=Ndes: approval sends the request to the upstream CA. When the upstream keeps it pending (or cannot be
    // reached), the request stays pending here too and the upstream job collects the certificate; approving again
    // polls the same upstream transaction, never a second one.
    private async Task<string?> RelayAsync(ScepProfile profile, EnrolmentTransaction request, Decider decider, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var caller = new RelayCaller(decider.Actor, decider.SourceAddress, AuditActions.RequestApproved, RequestDecision.Approved);
        RelayOutcome outcome = await relay!.RelayAsync(profile, request, stored: true, caller, cancellationToken).ConfigureAwait(false);
        if (outcome.Status == PkiStatus.Pending && audit is not null)
        {
            await audit.RecordAsync(Audit(request, decider, now, AuditActions.RequestApproved,
                $"transactionID {request.TransactionId}, subject {request.Subject}: sent to the upstream CA. {outcome.Reason}"), cancellationToken).ConfigureAwait(false);
        }

        return outcome.Status == PkiStatus.Failure ? outcome.Reason : null;
    }

    private static AuditEvent Audit(EnrolmentTransaction request, Decider decider, DateTimeOffset now, string action, string details) => new()
    {
        Time = now,
        Action = action,
        Outcome = AuditOutcome.Success,
        Actor = decider.Actor,
        SourceAddress = decider.SourceAddress,
        Target = request.Id.ToString(CultureInfo.InvariantCulture),
        Profile = request.Profile,
        Details = details,
    };

    private static string Describe(EnrolmentTransaction request) => request switch
    {
        { Decision: RequestDecision.Approved } or { State: TransactionState.Issued } => "approved",
        { Decision: RequestDecision.Rejected } => "rejected",
        { Decision: RequestDecision.Expired } => "expired",
        _ => "refused",
    };
}

/// <summary>Who decides, for the audit trail.</summary>
/// <param name="Actor">The account's user name, <c>token:NAME</c>, or <c>system</c>.</param>
/// <param name="SourceAddress">The caller's IP address, if any.</param>
public sealed record Decider(string Actor, string? SourceAddress);

/// <summary>What became of a decision: done, no such request, or a conflict with the request's current state.</summary>
public sealed record QueueDecision(QueueDecisionOutcome Outcome, EnrolmentTransaction? Request, string? Problem)
{
    public static QueueDecision NotFound { get; } = new(QueueDecisionOutcome.NotFound, null, "No such request.");

    public static QueueDecision Done(EnrolmentTransaction request) => new(QueueDecisionOutcome.Done, request, null);

    public static QueueDecision Conflict(EnrolmentTransaction request, string problem) => new(QueueDecisionOutcome.Conflict, request, problem);
}

public enum QueueDecisionOutcome
{
    Done,
    NotFound,
    Conflict,
}

using System.Globalization;
using CertBroker.Core.Audit;
using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
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
    BackendCatalog backends,
    ProfileCatalog profiles,
    TransactionLocks transactions,
    QueueDecisions decisions,
    AuditRecorder audit,
    Policy.WeakCryptoPolicy policy,
    TimeProvider time)
{
    /// <summary>The most requests one sweep expires; the next sweep takes the rest.</summary>
    public const int SweepBatch = 500;

    private const string ChangedMeanwhile = "The request changed while it was being decided.";

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
            return await decisions.FailAsync(request, RequestDecision.Rejected, decider.Actor, reason, auditEvent, cancellationToken).ConfigureAwait(false)
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
                && await decisions.ExpireAsync(request, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
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
            await decisions.ExpireAsync(request, now, cancellationToken).ConfigureAwait(false);
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

    // Approval asks the profile's CA now. A CA that keeps it pending (an upstream CA, or one that cannot be reached)
    // leaves the request pending here too, and approving again asks about the same request, never a second one.
    private async Task<string?> IssueAsync(EnrolmentTransaction request, Decider decider, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (profiles.Find(request.Profile) is not { } profile)
        {
            // The configuration changed since the request was queued: there is no template to issue with.
            return $"Profile {request.Profile} is no longer configured, so nothing can be issued for it; reject the request instead.";
        }

        var caller = new IssuanceCaller(decider.Actor, decider.SourceAddress, AuditActions.RequestApproved, RequestDecision.Approved);
        BackendSubmission submission = BackendSubmission.ForStored(profile, request, caller, findings: null);
        if (request.IssuedSubject is not null && submission.Names.Issued is { } names
            && (names.SubjectText != request.IssuedSubject || !names.AlternativeNameTexts.SequenceEqual(request.IssuedSubjectAlternativeNames)))
        {
            // The admin approves what the queue showed; the policy changed since and would issue something else.
            return $"The profile's name policy now issues {names.SubjectText} {string.Join(", ", names.AlternativeNameTexts)} instead of the names shown; reject the request and let the device ask again.";
        }

        // The findings the admin saw, worked out again from the stored CSR and envelope, go with the certificate.
        submission = submission with { Findings = policy.EvaluateRequest(profile, submission.Csr, request.ContentEncryptionAlgorithm, request.DigestAlgorithm) };
        BackendOutcome outcome = await backends.For(profile).SubmitAsync(submission, cancellationToken).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case PkiStatus.Pending:
                await audit.RecordAsync(Audit(request, decider, now, AuditActions.RequestApproved,
                    $"transactionID {request.TransactionId}, subject {request.Subject}: sent to the CA. {outcome.Reason}"), cancellationToken).ConfigureAwait(false);
                return null;
            case PkiStatus.Failure:
                return outcome.Reason;
            default:
                return outcome.AlreadyIssued ? ChangedMeanwhile : null;
        }
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

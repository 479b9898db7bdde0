using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Profiles;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// The upstream job's work: polls the requests an upstream CA answered PENDING (CertPoll) and sends again those it
/// could not be reached for (the same PKCSReq and transactionID), each under its transaction's lock, so a device
/// poll or an admin's decision never races it. The device's own polls are answered from the broker's state.
/// </summary>
public sealed class UpstreamPoller(
    IUpstreamRequestStore requests,
    IEnrolmentStore enrolments,
    UpstreamRelay relay,
    ProfileCatalog profiles,
    TransactionLocks transactions,
    TimeProvider time,
    AuditRecorder? audit = null)
{
    /// <summary>The most requests one run handles; the next run takes the rest.</summary>
    public const int Batch = 100;

    private readonly QueueDecisions _decisions = new(enrolments, audit);

    /// <returns>How many requests were settled (issued or failed).</returns>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        int settled = 0;
        IReadOnlyList<UpstreamRequest> due = await requests.ListDueUpstreamRequestsAsync(time.GetUtcNow(), Batch, cancellationToken).ConfigureAwait(false);
        foreach (UpstreamRequest candidate in due)
        {
            using IDisposable held = await transactions.AcquireAsync(candidate.Profile, candidate.TransactionId, cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = time.GetUtcNow();
            UpstreamRequest? request = await requests.FindUpstreamRequestAsync(candidate.Profile, candidate.TransactionId, cancellationToken).ConfigureAwait(false);
            if (request is not { State: UpstreamRequestState.Pending or UpstreamRequestState.Submitted } || request.NextAttemptAt > now)
            {
                continue;
            }

            EnrolmentTransaction? transaction = await enrolments.FindTransactionAsync(request.Profile, request.TransactionId, cancellationToken).ConfigureAwait(false);
            ScepProfile? profile = profiles.Find(request.Profile);
            if (transaction is not { State: TransactionState.Pending } || profile is null || !relay.Serves(profile.Name))
            {
                // Settled by other means (expired, rejected) or the profile no longer has an upstream: stop asking.
                UpstreamRequestState state = transaction?.State == TransactionState.Issued ? UpstreamRequestState.Issued : UpstreamRequestState.Failed;
                await requests.SaveUpstreamRequestAsync(request with { State = state, NextAttemptAt = null, UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
                settled++;
                continue;
            }

            if (QueueDecisions.IsDue(transaction, now))
            {
                await _decisions.ExpireAsync(transaction, now, cancellationToken).ConfigureAwait(false);
                await requests.SaveUpstreamRequestAsync(
                    request with { State = UpstreamRequestState.Failed, NextAttemptAt = null, LastError = "Expired while waiting for the upstream CA.", UpdatedAt = now },
                    cancellationToken).ConfigureAwait(false);
                settled++;
                continue;
            }

            var caller = new RelayCaller(QueueDecisions.SystemActor, null, AuditActions.EnrolmentIssued);
            RelayOutcome outcome = await relay.RelayAsync(profile, transaction, stored: true, caller, cancellationToken).ConfigureAwait(false);
            if (outcome.Status != PkiStatus.Pending)
            {
                settled++;
            }
        }

        return settled;
    }
}

using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Approvals;

/// <summary>
/// The upstream job's work: polls the requests an upstream CA answered PENDING (CertPoll) and sends again those it
/// could not be reached for (the same PKCSReq and transactionID), each under its transaction's lock, so a device
/// poll or an admin's decision never races it. The device's own polls are answered from the broker's state.
/// </summary>
public sealed class UpstreamPoller(
    IUpstreamRequestStore requests,
    IEnrolmentStore enrolments,
    BackendCatalog backends,
    ProfileCatalog profiles,
    TransactionLocks transactions,
    QueueDecisions decisions,
    TimeProvider time)
{
    /// <summary>The most requests one run handles; the next run takes the rest.</summary>
    public const int Batch = 100;

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
            if (transaction is not { State: TransactionState.Pending } || profile is null || backends.For(profile) is not UpstreamBackend upstream)
            {
                // Settled by other means (expired, rejected) or the profile no longer has an upstream: stop asking.
                UpstreamRequestState state = transaction?.State == TransactionState.Issued ? UpstreamRequestState.Issued : UpstreamRequestState.Failed;
                await requests.SaveUpstreamRequestAsync(request with { State = state, NextAttemptAt = null, UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
                settled++;
                continue;
            }

            if (QueueDecisions.IsDue(transaction, now))
            {
                await decisions.ExpireAsync(transaction, now, cancellationToken).ConfigureAwait(false);
                await requests.SaveUpstreamRequestAsync(
                    request with { State = UpstreamRequestState.Failed, NextAttemptAt = null, LastError = "Expired while waiting for the upstream CA.", UpdatedAt = now },
                    cancellationToken).ConfigureAwait(false);
                settled++;
                continue;
            }

            BackendOutcome outcome = await upstream.SubmitAsync(BackendSubmission.ForStored(profile, transaction, IssuanceCaller.System, findings: null), cancellationToken)
                .ConfigureAwait(false);
            if (outcome.Status != PkiStatus.Pending)
            {
                settled++;
            }
        }

        return settled;
    }
}

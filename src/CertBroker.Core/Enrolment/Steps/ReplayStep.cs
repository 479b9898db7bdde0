using CertBroker.Core.Approvals;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment.Steps;

/// <summary>
/// One transactionID is one request (RFC 8894 §3.2.1.1): a re-send after success gets the same certificate, a
/// re-send while the request waits gets PENDING, a re-send after a rejection or expiry gets FAILURE, and a re-send
/// with another key is refused without touching the transaction.
/// </summary>
public sealed class ReplayStep(IEnrolmentStore enrolments, ICertificateStore certificates, QueueDecisions decisions, TimeProvider time) : IEnrolmentStep
{
    public async ValueTask<PkiOutcome?> RunAsync(EnrolmentContext context, CancellationToken cancellationToken)
    {
        EnrolmentTransaction? existing = await enrolments.FindTransactionAsync(context.Profile.Name, context.Key.Value, cancellationToken).ConfigureAwait(false);
        if (existing is { State: TransactionState.Issued or TransactionState.Pending } && existing.PublicKeySha256 != context.Csr.PublicKeySha256)
        {
            // Not recorded: the transaction belongs to the first key, and this message must not change it.
            return PkiOutcome.Failure(FailInfo.BadRequest, "transactionID already used with another public key.");
        }

        if (existing is { State: TransactionState.Pending })
        {
            // micromdm re-sends the identical message, certmonger a new one with a new nonce: both mean "is it ready?".
            return QueueDecisions.IsDue(existing, time.GetUtcNow())
                && await decisions.ExpireAsync(existing, time.GetUtcNow(), cancellationToken).ConfigureAwait(false)
                ? PkiOutcome.Failure(FailInfo.BadRequest, "Request expired while pending approval.")
                : PkiOutcome.Pending("Re-sent request still pending approval.");
        }

        if (existing is { State: TransactionState.Failed, Decision: { } decision })
        {
            // Settled by the approval queue: a re-send must not open the transaction again.
            return PkiOutcome.Failure(FailInfo.BadRequest, $"Request was {decision.ToString().ToLowerInvariant()} earlier.");
        }

        if (existing is { State: TransactionState.Issued, CertificateSerial: { } serial }
            && await certificates.FindBySerialAsync(serial, cancellationToken).ConfigureAwait(false) is { } issued)
        {
            return PkiOutcome.Issued(context.Profile, context.Identity, issued, "Re-sent request answered with the certificate already issued.");
        }

        return null;
    }
}

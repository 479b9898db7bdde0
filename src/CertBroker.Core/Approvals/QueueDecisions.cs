using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Core.Approvals;

/// <summary>
/// Writes the decisions that fail a queued request, rejection and expiry, together with their audit event, then
/// forwards the event. Callers hold the transaction's lock (<see cref="TransactionLocks"/>) and pass the
/// request as read under it, so no approval can slip in between.
/// </summary>
public sealed class QueueDecisions(IEnrolmentStore enrolments, AuditRecorder audit)
{
    /// <summary>The failInfo a rejected or expired request answers with (RFC 8894 §3.2.1.4.5).</summary>
    public const string FailInfoName = "badRequest";

    /// <summary>Whether <paramref name="request"/> is pending past its expiry at <paramref name="now"/>.</summary>
    public static bool IsDue(EnrolmentTransaction request, DateTimeOffset now) =>
        request is { State: TransactionState.Pending, ExpiresAt: { } expiresAt } && expiresAt <= now;

    public Task<bool> ExpireAsync(EnrolmentTransaction request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string reason = $"No decision between {request.CreatedAt:u} and {request.ExpiresAt:u}.";
        var auditEvent = new AuditEvent
        {
            Time = now,
            Action = AuditActions.RequestExpired,
            Outcome = AuditOutcome.Success,
            Actor = Backends.IssuanceCaller.SystemActor,
            Target = request.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Profile = request.Profile,
            Details = $"transactionID {request.TransactionId}, subject {request.Subject}: {reason}",
        };
        return FailAsync(request, RequestDecision.Expired, Backends.IssuanceCaller.SystemActor, reason, auditEvent, cancellationToken);
    }

    /// <returns>False when the request was no longer pending, or was issued meanwhile; nothing is written then.</returns>
    public async Task<bool> FailAsync(
        EnrolmentTransaction request, RequestDecision decision, string decidedBy, string reason, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        if (request.State != TransactionState.Pending)
        {
            return false;
        }

        EnrolmentTransaction failed = request with
        {
            State = TransactionState.Failed,
            FailInfo = FailInfoName,
            Decision = decision,
            DecidedBy = decidedBy,
            DecidedAt = auditEvent.Time,
            DecisionReason = reason,
            UpdatedAt = auditEvent.Time,
        };
        bool written = await enrolments.SaveTransactionAsync(failed, auditEvent, cancellationToken).ConfigureAwait(false);
        if (written)
        {
            audit.Committed(auditEvent);
        }

        return written;
    }
}

using CertBroker.Core.Audit;
using CertBroker.Core.Backends;
using CertBroker.Core.Inventory;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment.Steps;

/// <summary>
/// Manual approval (RFC 8894 §3.3.2, PENDING): the request is stored with everything the admin needs and the client
/// polls. A renewal goes through when the profile lets renewals skip the queue.
/// </summary>
public sealed class ApprovalGateStep(
    IEnrolmentStore enrolments, IDeviceMatcher devices, AuditRecorder audit, ChallengeGuard challenges, TimeProvider time) : IEnrolmentStep
{
    public async ValueTask<PkiOutcome?> RunAsync(EnrolmentContext context, CancellationToken cancellationToken)
    {
        ScepProfile profile = context.Profile;
        Authorization authorization = context.Authorization;
        if (profile.Options.Approval != ApprovalMode.Manual || (authorization.Renewal && profile.Options.RenewalSkipsApproval))
        {
            return null;
        }

        DateTimeOffset now = time.GetUtcNow();
        long? deviceId = await devices.FindDeviceAsync(profile.Name, context.Csr, cancellationToken).ConfigureAwait(false);
        EnrolmentTransaction pending = PendingRequest.Describe(context.Transaction(TransactionState.Pending, null, now), context.Csr, profile, context.Names!, context.Findings, deviceId);
        AuditEvent auditEvent = context.Caller.Audit(pending, now, AuditActions.EnrolmentPending, AuditOutcome.Success, $"Queued for approval: {pending.Subject}; would issue {Issued(pending)}. {authorization.Reason}");
        try
        {
            // The one-time password is used by the request from the moment it is queued.
            if (await enrolments.SaveTransactionAsync(pending, auditEvent, cancellationToken).ConfigureAwait(false))
            {
                audit.Committed(auditEvent);
                if (authorization.Challenge is { } redemption)
                {
                    challenges.Committed(redemption);
                }
            }
        }
        catch (ChallengeAlreadyUsedException)
        {
            return PkiOutcome.Refusal(FailInfo.BadRequest, "One-time challenge was used by another request.");
        }

        return PkiOutcome.Pending($"Queued for approval until {pending.ExpiresAt:u}. {authorization.Reason}");
    }

    // The names the admin is asked to approve, and what the name policy left out of them.
    private static string Issued(EnrolmentTransaction pending) =>
        string.Join(", ", new[] { pending.IssuedSubject ?? "" }.Concat(pending.IssuedSubjectAlternativeNames).Where(n => n.Length > 0))
        + (pending.NameFindings.Count == 0 ? "" : $" (left out: {string.Join("; ", pending.NameFindings)})");
}

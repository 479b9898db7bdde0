using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Enrolment.Steps;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// PKCSReq and RenewalReq (RFC 8894 §3.3.1) as a fixed list of required steps, run under the transaction's lock.
/// The first step that answers ends it; a refusal it must remember is stored here, with its audit event, in one
/// write. Every step is a constructor argument, so none can be left out by a missing registration.
/// </summary>
public sealed class EnrolmentPipeline
{
    private readonly IReadOnlyList<IEnrolmentStep> _steps;
    private readonly TransactionLocks _transactions;
    private readonly IEnrolmentStore _enrolments;
    private readonly AuditRecorder _audit;
    private readonly TimeProvider _time;

    public EnrolmentPipeline(
        ReplayStep replay,
        ProofOfPossessionStep proofOfPossession,
        NamePolicyStep names,
        AuthorizationStep authorization,
        KeyAndAlgorithmPolicyStep keyAndAlgorithmPolicy,
        ApprovalGateStep approvalGate,
        BackendStep backend,
        TransactionLocks transactions,
        IEnrolmentStore enrolments,
        AuditRecorder audit,
        TimeProvider time)
    {
        // Names before authorisation: a renewal and a bound one-time password are judged on the names that would be
        // issued, and an admin never sees a request whose names the profile forbids.
        _steps = [replay, proofOfPossession, names, authorization, keyAndAlgorithmPolicy, approvalGate, backend];
        _transactions = transactions;
        _enrolments = enrolments;
        _audit = audit;
        _time = time;
    }

    public async Task<PkiOutcome> RunAsync(EnrolmentContext context, CancellationToken cancellationToken)
    {
        using IDisposable held = await _transactions.AcquireAsync(context.Profile.Name, context.Key.Value, cancellationToken).ConfigureAwait(false);
        foreach (IEnrolmentStep step in _steps)
        {
            if (await step.RunAsync(context, cancellationToken).ConfigureAwait(false) is { } outcome)
            {
                if (outcome.Record is { } refusal)
                {
                    await RecordRefusalAsync(context, outcome, refusal, cancellationToken).ConfigureAwait(false);
                }

                return outcome;
            }
        }

        throw new InvalidOperationException($"The last enrolment step, {nameof(BackendStep)}, always answers.");
    }

    // Refusals are stored as a Failed transaction with the failInfo, so the admin sees them and a re-send is judged anew.
    // What an anonymous caller can make the broker keep is bounded: no CSR, the subject cut to a printable summary.
    private async Task RecordRefusalAsync(EnrolmentContext context, PkiOutcome outcome, RecordedRefusal refusal, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        FailInfo failInfo = outcome.FailInfo ?? FailInfo.BadRequest;
        EnrolmentTransaction failed = context.Transaction(TransactionState.Failed, failInfo, now) with
        {
            Challenge = null,
            CertificationRequest = null,
            Subject = Names.Printable.Of(context.Csr.Subject.Name),
            RenewalOf = refusal.RenewalOf,
            RenewalResult = refusal.RenewalOf is null ? null : $"refused: {outcome.Reason}",
        };
        AuditEvent auditEvent = context.Caller.Audit(failed, now, AuditActions.EnrolmentRejected, AuditOutcome.Failure, $"{failInfo.ToRfcName()}: {outcome.Reason}");
        if (await _enrolments.SaveTransactionAsync(failed, auditEvent, cancellationToken).ConfigureAwait(false))
        {
            _audit.Committed(auditEvent);
        }
    }
}

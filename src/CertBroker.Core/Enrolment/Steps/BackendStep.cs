using CertBroker.Core.Backends;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment.Steps;

/// <summary>The profile's CA decides: issued, pending at the CA, or refused. Always answers.</summary>
public sealed class BackendStep(ChallengeGuard challenges, TimeProvider time) : IEnrolmentStep
{
    public async ValueTask<PkiOutcome?> RunAsync(EnrolmentContext context, CancellationToken cancellationToken)
    {
        Authorization authorization = context.Authorization;
        var submission = new BackendSubmission(
            context.Profile,
            context.Transaction(TransactionState.Pending, null, time.GetUtcNow()),
            context.Csr,
            context.Names ?? throw new InvalidOperationException("The name policy runs before the backend."),
            context.Caller,
            context.Findings,
            Stored: false,
            NameNote(authorization.Reason, context.Names));
        BackendOutcome outcome;
        try
        {
            outcome = await context.Backend.SubmitAsync(submission, cancellationToken).ConfigureAwait(false);
        }
        catch (ChallengeAlreadyUsedException)
        {
            // Another transaction used the same one-time password between the check and the write.
            return PkiOutcome.Refusal(FailInfo.BadRequest, "One-time challenge was used by another request.");
        }

        if (outcome.Status != PkiStatus.Failure && !outcome.AlreadyIssued && authorization.Challenge is { } redemption)
        {
            challenges.Committed(redemption);
        }

        return outcome switch
        {
            { Status: PkiStatus.Success, Certificate: { } record } => PkiOutcome.Issued(context.Profile, context.Identity, record,
                outcome.AlreadyIssued ? "Answered with the certificate a concurrent message obtained." : $"{authorization.Reason} {outcome.Reason}"),
            { Status: PkiStatus.Failure } => PkiOutcome.Failure(outcome.FailInfo ?? FailInfo.BadRequest, outcome.Reason),
            _ => PkiOutcome.Pending(outcome.Reason),
        };
    }

    // Names the profile left out go to the audit trail with the issuance.
    private static string NameNote(string reason, Names.NameDecision names) =>
        names.Findings.Count == 0 ? reason : $"{reason} Names left out: {string.Join("; ", names.Findings)}.";
}

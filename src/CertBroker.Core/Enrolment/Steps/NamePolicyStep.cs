using CertBroker.Core.Names;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment.Steps;

/// <summary>
/// The profile's name policy on the CSR's subject and subjectAltName: a refused name refuses the request with
/// badRequest (the rule goes to the log and the audit trail), or is left out when the profile drops refused names.
/// </summary>
public sealed class NamePolicyStep : IEnrolmentStep
{
    public ValueTask<PkiOutcome?> RunAsync(EnrolmentContext context, CancellationToken cancellationToken)
    {
        NameDecision decision = context.Profile.Names.Decide(context.Csr.Subject, context.Csr.Extensions);
        context.Names = decision;
        return ValueTask.FromResult(decision.Refused
            ? PkiOutcome.Refusal(FailInfo.BadRequest, $"Refused by the name policy: {decision.Reason}.")
            : null);
    }
}

using CertBroker.Core.Names;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment.Steps;

/// <summary>
/// The profile's name policy on the CSR's subject and subjectAltName: a refused name refuses the request with
/// badRequest (the rule goes to the log and the audit trail), or is left out when the profile drops refused names.
/// </summary>
public sealed class NamePolicyStep : IEnrolmentStep
{
    // Attributes through which a Microsoft CA reads names and extensions the policy would never see: name/value pairs
    // ("SAN:upn=…", AD CS's ESC6) and the legacy extension request.
    private static readonly string[] HiddenNameAttributes = ["1.3.6.1.4.1.311.13.2.1", "1.3.6.1.4.1.311.2.1.14"];

    public ValueTask<PkiOutcome?> RunAsync(EnrolmentContext context, CancellationToken cancellationToken)
    {
        if (context.Csr.OtherAttributes.FirstOrDefault(HiddenNameAttributes.Contains) is { } hidden)
        {
            return ValueTask.FromResult<PkiOutcome?>(PkiOutcome.Refusal(
                FailInfo.BadRequest, $"Refused by the name policy: NAME-FORMAT refused (request): attribute {hidden} could carry names the policy does not see."));
        }

        NameDecision decision = context.Profile.Names.Decide(context.Csr.Subject, context.Csr.Extensions);
        context.Names = decision;
        return ValueTask.FromResult(decision.Refused
            ? PkiOutcome.Refusal(FailInfo.BadRequest, $"Refused by the name policy: {decision.Reason}.")
            : null);
    }
}

using CertBroker.Core.Model;
using CertBroker.Core.Policy;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Enrolment.Steps;

/// <summary>
/// The weak-crypto policy on the request's key, CSR signature, envelope cipher and message digest: a few modular
/// reductions on the key, so it runs inline. Its findings go with the certificate or the queued request.
/// </summary>
public sealed class KeyAndAlgorithmPolicyStep(WeakCryptoPolicy policy) : IEnrolmentStep
{
    public ValueTask<PkiOutcome?> RunAsync(EnrolmentContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<Finding> findings = policy.EvaluateRequest(
            context.Profile, context.Csr, context.Content.Algorithm.Name, DigestAlgorithms.DisplayName(context.Request.Signature.Digest));
        context.Findings = findings;
        if (WeakCryptoPolicy.Refusal(context.Profile, findings) is not { } refusal)
        {
            return ValueTask.FromResult<PkiOutcome?>(null);
        }

        // The rule id goes to the log line and the audit trail; the client only sees the failInfo.
        FailInfo failInfo = refusal.IsAlgorithm ? FailInfo.BadAlg : FailInfo.BadRequest;
        return ValueTask.FromResult<PkiOutcome?>(PkiOutcome.Refusal(failInfo, $"Refused by weak-crypto policy {refusal.RuleId}: {refusal.Message}."));
    }
}

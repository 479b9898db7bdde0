using CertBroker.Scep;

namespace CertBroker.Core.Enrolment.Steps;

/// <summary>The CSR is signed by the key it asks a certificate for (PKCS #10 proof of possession).</summary>
public sealed class ProofOfPossessionStep : IEnrolmentStep
{
    public ValueTask<PkiOutcome?> RunAsync(EnrolmentContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.Csr.VerifySignature(context.Request)
            ? null
            : PkiOutcome.Refusal(FailInfo.BadMessageCheck, "CSR signature does not verify."));
}

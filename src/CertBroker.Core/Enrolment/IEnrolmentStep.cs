namespace CertBroker.Core.Enrolment;

/// <summary>One check or action of the <see cref="EnrolmentPipeline"/>, in its fixed place.</summary>
public interface IEnrolmentStep
{
    /// <returns>The answer, which ends the pipeline; null to go on to the next step.</returns>
    ValueTask<PkiOutcome?> RunAsync(EnrolmentContext context, CancellationToken cancellationToken);
}

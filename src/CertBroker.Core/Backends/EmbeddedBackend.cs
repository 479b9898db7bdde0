using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Backends;

/// <summary>The broker's own CA: signs at once, serves its CRL and announces its successor.</summary>
public sealed class EmbeddedBackend(
    IRegistrationAuthority ra, ICertificateIssuer issuer, ICrlPublisher crls, INextCaSource nextCa, IssuanceRecorder recorder)
    : ICaBackend, ICrlSource, INextCaSource
{
    public BackendIdentity? Identity { get; } = new(ra, issuer.CaChain);

    public X509Certificate2? NextCaCertificate => nextCa.NextCaCertificate;

    public async Task<BackendOutcome> SubmitAsync(BackendSubmission submission, CancellationToken cancellationToken)
    {
        var request = new IssueRequest(submission.Csr.Subject, submission.Csr.GetPublicKey(), submission.Csr.SubjectAlternativeName, submission.Profile.Template);
        Storage.IssueOutcome outcome = await recorder.RecordAsync(
            submission,
            request,
            token => issuer.IssueAsync(request, token),
            IssuanceRecorder.SerialAttempts,
            record => $"transactionID {submission.Transaction.TransactionId}: certificate {record.Serial} for {record.Subject}. {submission.Note}".TrimEnd(),
            cancellationToken).ConfigureAwait(false);
        return BackendOutcome.Issued(outcome.Certificate, outcome.AlreadyIssued, $"Issued certificate {outcome.Certificate.Serial}.");
    }

    public Task<byte[]> GetCurrentCrlAsync(CancellationToken cancellationToken) => crls.GetCurrentCrlAsync(cancellationToken);
}

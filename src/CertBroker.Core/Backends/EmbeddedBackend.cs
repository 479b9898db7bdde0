using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Names;
using CertBroker.Scep;

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
        if (submission.Names.Issued is not { } names)
        {
            // A queued request judged again at approval, under the profile's policy as it is now.
            return BackendOutcome.Refused(FailInfo.BadRequest, $"Refused by the name policy: {submission.Names.Reason}.");
        }

        // Nothing of the request's encoding reaches the certificate: names and key are written by the broker.
        X500DistinguishedName subject = NameWriter.Subject(names.Subject);
        var request = new IssueRequest(
            subject,
            PublicKeys.Reencode(submission.Csr),
            NameWriter.SubjectAltName(names.AlternativeNames, emptySubject: names.Subject.Count == 0),
            submission.Profile.Template);
        Storage.IssueOutcome outcome;
        try
        {
            outcome = await recorder.RecordAsync(
                submission,
                request,
                token => issuer.IssueAsync(request, token),
                IssuanceRecorder.SerialAttempts,
                record => $"transactionID {submission.Transaction.TransactionId}: certificate {record.Serial} for {record.Subject}. {submission.Note}".TrimEnd(),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Storage.RenewedMeanwhileException renewed)
        {
            return BackendOutcome.Refused(FailInfo.BadRequest, $"Certificate {renewed.Serial} was already renewed or revoked by another request.");
        }
        return BackendOutcome.Issued(outcome.Certificate, outcome.AlreadyIssued, $"Issued certificate {outcome.Certificate.Serial}.");
    }

    public Task<byte[]> GetCurrentCrlAsync(CancellationToken cancellationToken) => crls.GetCurrentCrlAsync(cancellationToken);
}

using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Renewal;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Core.Backends;

/// <summary>
/// Records a certificate a backend obtained, the same way for a device's enrolment, an admin's approval and an
/// upstream CA's late answer: the renewal due time, the findings, the device, the transaction and the audit event
/// in one database write, with a fresh signature when the store finds the serial taken.
/// </summary>
public sealed class IssuanceRecorder(IEnrolmentStore enrolments, AuditRecorder audit, TimeProvider time)
{
    /// <summary>How often a CA that picks its own random serials signs before a clash is an error.</summary>
    public const int SerialAttempts = 3;

    /// <param name="submission">The request the certificate answers.</param>
    /// <param name="described">The names and key the record describes, and the profile's template.</param>
    /// <param name="sign">Obtains the certificate; called again after a serial clash while attempts remain.</param>
    /// <param name="attempts">How many times <paramref name="sign"/> may be called: 1 for a certificate that exists already.</param>
    /// <param name="details">The audit text for the recorded certificate.</param>
    /// <param name="cancellationToken">Cancels signing and the write.</param>
    /// <exception cref="DuplicateSerialException">The serial was still taken after the last attempt.</exception>
    public async Task<IssueOutcome> RecordAsync(
        BackendSubmission submission,
        IssueRequest described,
        Func<CancellationToken, Task<IssuedCertificate>> sign,
        int attempts,
        Func<CertificateRecord, string> details,
        CancellationToken cancellationToken)
    {
        (Profiles.ScepProfile profile, EnrolmentTransaction transaction, IssuanceCaller caller) = (submission.Profile, submission.Transaction, submission.Caller);
        for (int attempt = 1; ; attempt++)
        {
            IssuedCertificate certificate = await sign(cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = time.GetUtcNow();
            // The due time is planned in memory and written with the certificate: no extra round trip.
            CertificateRecord record = RenewalDueTime.Plan(
                certificate.ToRecord(described, profile.Name, transaction.TransactionId, now), profile.Options, Random.Shared)
                with { Findings = submission.Findings };
            EnrolmentTransaction issued = transaction with
            {
                State = TransactionState.Issued,
                CertificateSerial = record.Serial,
                UpdatedAt = now,
                Device = DeviceObservations.From(described.Subject, described.SubjectAlternativeName, profile, transaction.RequesterAddress, now),
                Decision = caller.Decision ?? transaction.Decision,
                DecidedBy = caller.Decision is null ? transaction.DecidedBy : caller.Actor,
                DecidedAt = caller.Decision is null ? transaction.DecidedAt : now,
                RenewalOf = submission.RenewalOf,
            };
            AuditEvent auditEvent = caller.Audit(transaction, now, caller.IssuedAction, AuditOutcome.Success, details(record));
            try
            {
                IssueOutcome outcome = await enrolments.SaveIssuedAsync(issued, record, auditEvent, cancellationToken).ConfigureAwait(false);
                if (!outcome.AlreadyIssued)
                {
                    audit.Committed(auditEvent);
                }

                return outcome;
            }
            catch (DuplicateSerialException) when (attempt < attempts)
            {
                // A clashing 128-bit random serial is astronomically rare; the store caught it, so sign again.
            }
        }
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Policy;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Backends;

/// <summary>
/// An upstream SCEP CA (<c>Backend=Ndes</c>), the broker acting as its RA. The device's CSR goes upstream unchanged;
/// a certificate is recorded like an embedded one; PENDING and an unreachable upstream keep the device's transaction
/// Pending while <see cref="UpstreamPoller"/> polls or resends with the same upstream transactionID, so the upstream
/// sees one transaction and the device never gets a second certificate. Callers hold the transaction's lock.
/// </summary>
public sealed class UpstreamBackend(
    IUpstreamCa upstream,
    IEnrolmentStore enrolments,
    IUpstreamRequestStore requests,
    IssuanceRecorder recorder,
    IDeviceMatcher devices,
    AuditRecorder audit,
    WeakCryptoPolicy policy,
    TimeProvider time) : ICaBackend, IChallengeSource
{
    // subjectAltName (judged by the name policy), keyUsage, extendedKeyUsage, basicConstraints, subjectKeyIdentifier.
    private static readonly HashSet<string?> RelayedExtensions = ["2.5.29.17", "2.5.29.15", "2.5.29.37", "2.5.29.19", "2.5.29.14"];

    public BackendIdentity? Identity
    {
        get
        {
            if (upstream.Identity is { } identity)
            {
                return identity;
            }

            upstream.RequestRefresh();
            return null;
        }
    }

    /// <summary>
    /// The upstream transactionID for a device transaction: a hash of profile and device transaction, so every retry
    /// and poll names the same upstream transaction, and 64 hex characters suit every server (PrintableString).
    /// </summary>
    public static string UpstreamTransactionId(string profile, string transactionId) =>
        Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{profile.ToLowerInvariant()}\n{transactionId}")));

    /// <summary>Exponential backoff: the first delay, doubled per attempt, capped.</summary>
    public static TimeSpan RetryDelay(NdesOptions options, int attempts)
    {
        double seconds = options.RetryDelaySeconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, options.MaxRetryDelaySeconds));
    }

    public Task<string> FetchChallengeAsync(CancellationToken cancellationToken) => upstream.FetchChallengeAsync(cancellationToken);

    /// <summary>Sends the request upstream, or, when the upstream already holds it, polls it there.</summary>
    public async Task<BackendOutcome> SubmitAsync(BackendSubmission submission, CancellationToken cancellationToken)
    {
        if (!submission.Stored)
        {
            // A relayed request waits like a queued one and is listed with it, whatever the upstream answers.
            long? deviceId = await devices.FindDeviceAsync(submission.Profile.Name, submission.Csr, cancellationToken).ConfigureAwait(false);
            submission = submission with
            {
                Transaction = PendingRequest.Describe(submission.Transaction, submission.Csr, submission.Profile, submission.Names, submission.Findings, deviceId),
            };
        }

        (ScepProfile profile, EnrolmentTransaction transaction) = (submission.Profile, submission.Transaction);
        DateTimeOffset started = time.GetUtcNow();
        UpstreamRequest? previous = await requests.FindUpstreamRequestAsync(profile.Name, transaction.TransactionId, cancellationToken).ConfigureAwait(false);
        UpstreamRequest request = previous is { State: UpstreamRequestState.Pending or UpstreamRequestState.Submitted }
            ? previous
            : new UpstreamRequest
            {
                Profile = profile.Name,
                TransactionId = transaction.TransactionId,
                UpstreamTransactionId = UpstreamTransactionId(profile.Name, transaction.TransactionId),
                State = UpstreamRequestState.Pending,
                CreatedAt = started,
                UpdatedAt = started,
            };

        if (request.State == UpstreamRequestState.Pending && submission.Names.Refused)
        {
            // Not yet sent: the profile's name policy, as it is now, still decides. Once sent, the upstream has it.
            return await FailAsync(submission, request, FailInfo.BadRequest, $"Refused by the name policy: {submission.Names.Reason}.", started, cancellationToken).ConfigureAwait(false);
        }

        if (request.State == UpstreamRequestState.Pending
            && submission.Csr.Extensions.FirstOrDefault(e => !RelayedExtensions.Contains(e.Oid?.Value)) is { } unjudged)
        {
            // The upstream signs the CSR as sent: an extension the broker does not judge (application policies, a
            // template name) must not reach a CA that may honour it.
            return await FailAsync(submission, request, FailInfo.BadRequest,
                $"Refused: requested extension {unjudged.Oid?.Value} is not relayed to an upstream CA.", started, cancellationToken).ConfigureAwait(false);
        }

        var message = new UpstreamSubmission(request.UpstreamTransactionId, submission.Csr.Encoded, submission.Csr.Subject);
        UpstreamReply reply = await upstream.SendAsync(message, poll: request.State == UpstreamRequestState.Submitted, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        request = request with { UpdatedAt = now, Cipher = reply.Cipher ?? request.Cipher, Digest = reply.Digest ?? request.Digest };
        NdesOptions options = profile.Options.Ndes;
        switch (reply.Status)
        {
            case UpstreamStatus.Issued when reply.Certificate is { } der:
                return await SettleIssuedAsync(submission, request, der, now, cancellationToken).ConfigureAwait(false);
            case UpstreamStatus.Refused or UpstreamStatus.Issued:
                FailInfo failInfo = reply.FailInfo ?? FailInfo.BadRequest;
                string refused = $"The upstream CA refused the request ({failInfo.ToRfcName()}): {reply.Detail}";
                return await FailAsync(submission, request, failInfo, refused, now, cancellationToken).ConfigureAwait(false);
            case UpstreamStatus.Pending:
                request = request with
                {
                    State = UpstreamRequestState.Submitted,
                    Attempts = 0,
                    LastError = null,
                    NextAttemptAt = now.AddSeconds(options.PollIntervalSeconds),
                };
                await SavePendingAsync(submission, request, "The upstream CA answered PENDING.", now, cancellationToken).ConfigureAwait(false);
                return BackendOutcome.Pending("Pending at the upstream CA.");
            default:
                int attempts = request.Attempts + 1;
                if (attempts >= options.MaxAttempts)
                {
                    string gaveUp = $"The upstream CA could not be reached in {attempts} attempts: {reply.Detail}";
                    return await FailAsync(submission, request with { Attempts = attempts }, FailInfo.BadRequest, gaveUp, now, cancellationToken, reply.Detail)
                        .ConfigureAwait(false);
                }

                request = request with { Attempts = attempts, LastError = reply.Detail, NextAttemptAt = now + RetryDelay(options, attempts) };
                await SavePendingAsync(submission, request, $"The upstream CA could not be reached; retrying: {reply.Detail}", now, cancellationToken)
                    .ConfigureAwait(false);
                return BackendOutcome.Pending($"Upstream CA unreachable (attempt {attempts} of {options.MaxAttempts}): {reply.Detail}");
        }
    }

    private async Task<BackendOutcome> SettleIssuedAsync(
        BackendSubmission submission, UpstreamRequest request, byte[] der, DateTimeOffset now, CancellationToken cancellationToken)
    {
        (ScepProfile profile, EnrolmentTransaction transaction) = (submission.Profile, submission.Transaction);
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(der);
        var issued = new IssuedCertificate(
            der,
            CertificateRecords.SerialHex(Convert.FromHexString(certificate.SerialNumber)),
            certificate.Issuer,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            certificate.SignatureAlgorithm.FriendlyName ?? certificate.SignatureAlgorithm.Value ?? "unknown");

        // The record describes the certificate as the upstream issued it, which may differ from what was asked, and
        // carries the findings of both the request and that certificate.
        var described = new IssueRequest(certificate.SubjectName, certificate.PublicKey, certificate.Extensions["2.5.29.17"], profile.Template);
        IReadOnlyList<Finding> findings = [.. policy.EvaluateRequest(profile, submission.Csr, transaction.ContentEncryptionAlgorithm, transaction.DigestAlgorithm)
            .Concat(policy.EvaluateCertificate(certificate, profile)).DistinctBy(f => f.RuleId)];
        IssueOutcome outcome;
        try
        {
            outcome = await recorder.RecordAsync(
                submission with { Findings = findings },
                described,
                _ => Task.FromResult(issued),
                attempts: 1,
                record => $"transactionID {transaction.TransactionId}: certificate {record.Serial} for {record.Subject} issued by the upstream CA {issued.Issuer}.",
                cancellationToken).ConfigureAwait(false);
        }
        catch (RenewedMeanwhileException renewed)
        {
            string superseded = $"The certificate this renews ({renewed.Serial}) was renewed or revoked by another request meanwhile; the upstream's certificate was not delivered.";
            return await FailAsync(submission, request, FailInfo.BadRequest, superseded, now, cancellationToken).ConfigureAwait(false);
        }
        catch (DuplicateSerialException duplicate)
        {
            // The upstream issued a serial the inventory already holds for another certificate (micromdm's scepserver
            // does so under load). The inventory cannot hold both: the device gets a signed FAILURE and the admin sees why.
            string clash = $"The upstream CA issued serial {duplicate.Serial}, which the inventory already holds for another certificate; it was not delivered.";
            return await FailAsync(submission, request, FailInfo.BadRequest, clash, now, cancellationToken).ConfigureAwait(false);
        }

        await requests.SaveUpstreamRequestAsync(request with { State = UpstreamRequestState.Issued, NextAttemptAt = null, LastError = null }, cancellationToken)
            .ConfigureAwait(false);
        return BackendOutcome.Issued(outcome.Certificate, outcome.AlreadyIssued, $"Issued by the upstream CA: certificate {outcome.Certificate.Serial}.");
    }

    // The upstream request is saved first: should the process stop in between, the job finds it and the device's
    // transaction is written on the next attempt.
    private async Task SavePendingAsync(BackendSubmission submission, UpstreamRequest request, string details, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await requests.SaveUpstreamRequestAsync(request, cancellationToken).ConfigureAwait(false);
        if (submission.Stored)
        {
            return;
        }

        EnrolmentTransaction transaction = submission.Transaction;
        AuditEvent auditEvent = submission.Caller.Audit(transaction, now, AuditActions.EnrolmentPending, AuditOutcome.Success,
            $"Relayed to the upstream CA: {transaction.Subject}. {details}");
        if (await enrolments.SaveTransactionAsync(transaction, auditEvent, cancellationToken).ConfigureAwait(false))
        {
            audit.Committed(auditEvent);
        }
    }

    private async Task<BackendOutcome> FailAsync(
        BackendSubmission submission, UpstreamRequest request, FailInfo failInfo, string reason, DateTimeOffset now, CancellationToken cancellationToken, string? lastError = null)
    {
        EnrolmentTransaction transaction = submission.Transaction;
        EnrolmentTransaction failed = transaction with { State = TransactionState.Failed, FailInfo = failInfo.ToRfcName(), UpdatedAt = now };
        AuditEvent auditEvent = submission.Caller.Audit(transaction, now, AuditActions.EnrolmentRejected, AuditOutcome.Failure, $"{failInfo.ToRfcName()}: {reason}");
        if (await enrolments.SaveTransactionAsync(failed, auditEvent, cancellationToken).ConfigureAwait(false))
        {
            audit.Committed(auditEvent);
        }

        await requests.SaveUpstreamRequestAsync(request with { State = UpstreamRequestState.Failed, NextAttemptAt = null, LastError = lastError ?? reason }, cancellationToken)
            .ConfigureAwait(false);
        return BackendOutcome.Refused(failInfo, reason);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Issuing;
using CertBroker.Core.Policy;
using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Enrolment;

/// <summary>What became of a request relayed to the upstream CA.</summary>
/// <param name="Certificate">The stored certificate when issued.</param>
/// <param name="FailInfo">What the device is told when refused.</param>
/// <param name="Reason">For the log and the audit trail.</param>
public sealed record RelayOutcome(PkiStatus Status, CertificateRecord? Certificate, FailInfo? FailInfo, string Reason);

/// <summary>Who relays: the device (its first request), an admin (approval) or the broker (the retry job).</summary>
/// <param name="Actor">The audit actor.</param>
/// <param name="SourceAddress">The caller's address, if any.</param>
/// <param name="IssuedAction">The audit action when the certificate arrives.</param>
/// <param name="Decision">Recorded on the transaction when the certificate arrives (an admin's approval).</param>
public sealed record RelayCaller(string Actor, string? SourceAddress, string IssuedAction, RequestDecision? Decision = null);

/// <summary>
/// Relays authorised requests of <c>Backend=Ndes</c> profiles to the upstream CA and settles them: the device's CSR
/// goes upstream unchanged; a certificate lands in the inventory through the same write as an embedded one; PENDING
/// and an unreachable upstream keep the device's transaction Pending while the upstream job polls or resends with
/// the same upstream transactionID, so the upstream sees one transaction and the device
/// never gets a second certificate. Callers hold the transaction's lock.
/// </summary>
public sealed class UpstreamRelay(
    IEnrolmentStore enrolments,
    IUpstreamRequestStore requests,
    ProfileBackends backends,
    TimeProvider time,
    AuditRecorder? audit = null,
    WeakCryptoPolicy? policy = null)
{
    /// <summary>
    /// The upstream transactionID for a device transaction: a hash of profile and device transaction, so every retry
    /// and poll names the same upstream transaction, and 64 hex characters suit every server (PrintableString).
    /// </summary>
    public static string UpstreamTransactionId(string profile, string transactionId) =>
        Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{profile.ToLowerInvariant()}\n{transactionId}")));

    /// <param name="profile">A profile with an upstream.</param>
    /// <param name="transaction">The device's transaction, Pending, with its CSR.</param>
    /// <param name="stored">Whether <paramref name="transaction"/> is already stored as Pending.</param>
    /// <param name="caller">Who relays, for the audit trail.</param>
    /// <param name="cancellationToken">Cancels the upstream call and the writes.</param>
    /// <exception cref="Challenges.ChallengeAlreadyUsedException">The transaction's one-time password was used meanwhile; nothing was written.</exception>
    public async Task<RelayOutcome> RelayAsync(
        ScepProfile profile, EnrolmentTransaction transaction, bool stored, RelayCaller caller, CancellationToken cancellationToken)
    {
        IUpstreamCa upstream = backends.Upstream(profile.Name)
            ?? throw new InvalidOperationException($"Profile {profile.Name} has no upstream CA.");
        byte[] csrDer = transaction.CertificationRequest
            ?? throw new InvalidOperationException($"Transaction {transaction.TransactionId} has no stored CSR.");
        CertificationRequest csr = CertificationRequest.Parse(csrDer);
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

        var submission = new UpstreamSubmission(request.UpstreamTransactionId, csrDer, csr.Subject);
        UpstreamReply reply = await upstream.SendAsync(submission, poll: request.State == UpstreamRequestState.Submitted, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        request = request with { UpdatedAt = now, Cipher = reply.Cipher ?? request.Cipher, Digest = reply.Digest ?? request.Digest };
        NdesOptions options = profile.Options.Ndes;
        switch (reply.Status)
        {
            case UpstreamStatus.Issued when reply.Certificate is { } der:
                CertificateRecord record;
                try
                {
                    record = await SaveIssuedAsync(profile, transaction, csr, der, caller, now, cancellationToken).ConfigureAwait(false);
                }
                catch (DuplicateSerialException duplicate)
                {
                    // The upstream issued a serial the inventory already holds for another certificate (micromdm's
                    // scepserver does so under load). The inventory cannot hold both: the device is refused with a
                    // signed FAILURE and the admin sees why, instead of an HTTP 500.
                    string clash = $"The upstream CA issued serial {duplicate.Serial}, which the inventory already holds for another certificate; it was not delivered.";
                    await FailAsync(transaction, FailInfo.BadRequest, clash, caller, now, cancellationToken).ConfigureAwait(false);
                    await requests.SaveUpstreamRequestAsync(request with { State = UpstreamRequestState.Failed, NextAttemptAt = null, LastError = clash }, cancellationToken)
                        .ConfigureAwait(false);
                    return new RelayOutcome(PkiStatus.Failure, null, FailInfo.BadRequest, clash);
                }

                await requests.SaveUpstreamRequestAsync(request with { State = UpstreamRequestState.Issued, NextAttemptAt = null, LastError = null }, cancellationToken)
                    .ConfigureAwait(false);
                return new RelayOutcome(PkiStatus.Success, record, null, $"Issued by the upstream CA: certificate {record.Serial}.");
            case UpstreamStatus.Refused or UpstreamStatus.Issued:
                FailInfo failInfo = reply.FailInfo ?? FailInfo.BadRequest;
                string refused = $"The upstream CA refused the request ({failInfo.ToRfcName()}): {reply.Detail}";
                await FailAsync(transaction, failInfo, refused, caller, now, cancellationToken).ConfigureAwait(false);
                await requests.SaveUpstreamRequestAsync(request with { State = UpstreamRequestState.Failed, NextAttemptAt = null, LastError = refused }, cancellationToken)
                    .ConfigureAwait(false);
                return new RelayOutcome(PkiStatus.Failure, null, failInfo, refused);
            case UpstreamStatus.Pending:
                request = request with
                {
                    State = UpstreamRequestState.Submitted,
                    Attempts = 0,
                    LastError = null,
                    NextAttemptAt = now.AddSeconds(options.PollIntervalSeconds),
                };
                await SavePendingAsync(transaction, stored, request, caller, "The upstream CA answered PENDING.", now, cancellationToken).ConfigureAwait(false);
                return new RelayOutcome(PkiStatus.Pending, null, null, "Pending at the upstream CA.");
            default:
                int attempts = request.Attempts + 1;
                if (attempts >= options.MaxAttempts)
                {
                    string gaveUp = $"The upstream CA could not be reached in {attempts} attempts: {reply.Detail}";
                    await FailAsync(transaction, FailInfo.BadRequest, gaveUp, caller, now, cancellationToken).ConfigureAwait(false);
                    await requests.SaveUpstreamRequestAsync(
                        request with { State = UpstreamRequestState.Failed, Attempts = attempts, NextAttemptAt = null, LastError = reply.Detail }, cancellationToken)
                        .ConfigureAwait(false);
                    return new RelayOutcome(PkiStatus.Failure, null, FailInfo.BadRequest, gaveUp);
                }

                request = request with { Attempts = attempts, LastError = reply.Detail, NextAttemptAt = now + RetryDelay(options, attempts) };
                await SavePendingAsync(transaction, stored, request, caller, $"The upstream CA could not be reached; retrying: {reply.Detail}", now, cancellationToken)
                    .ConfigureAwait(false);
                return new RelayOutcome(PkiStatus.Pending, null, null, $"Upstream CA unreachable (attempt {attempts} of {options.MaxAttempts}): {reply.Detail}");
        }
    }

    /// <summary>Whether <paramref name="profile"/> obtains its certificates from an upstream CA.</summary>
    public bool Serves(string profile) => backends.Upstream(profile) is not null;

    /// <summary>Exponential backoff: the first delay, doubled per attempt, capped.</summary>
    public static TimeSpan RetryDelay(NdesOptions options, int attempts)
    {
        double seconds = options.RetryDelaySeconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, options.MaxRetryDelaySeconds));
    }

    /// <summary>The stored upstream request, for the admin's view of the queue.</summary>
    public Task<UpstreamRequest?> FindAsync(string profile, string transactionId, CancellationToken cancellationToken) =>
        requests.FindUpstreamRequestAsync(profile, transactionId, cancellationToken);

    // The request is saved first: should the process stop in between, the job finds it and the device's transaction
    // is written on the next attempt.
    private async Task SavePendingAsync(
        EnrolmentTransaction transaction, bool stored, UpstreamRequest request, RelayCaller caller, string details, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await requests.SaveUpstreamRequestAsync(request, cancellationToken).ConfigureAwait(false);
        if (stored)
        {
            return;
        }

        AuditEvent auditEvent = Audit(transaction, caller, now, AuditActions.EnrolmentPending, AuditOutcome.Success, $"Relayed to the upstream CA: {transaction.Subject}. {details}");
        if (await enrolments.SaveTransactionAsync(transaction, auditEvent, cancellationToken).ConfigureAwait(false))
        {
            audit?.Committed(auditEvent);
        }
    }

    private async Task FailAsync(EnrolmentTransaction transaction, FailInfo failInfo, string reason, RelayCaller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        EnrolmentTransaction failed = transaction with { State = TransactionState.Failed, FailInfo = failInfo.ToRfcName(), UpdatedAt = now };
        AuditEvent auditEvent = Audit(transaction, caller, now, AuditActions.EnrolmentRejected, AuditOutcome.Failure, $"{failInfo.ToRfcName()}: {reason}");
        if (await enrolments.SaveTransactionAsync(failed, auditEvent, cancellationToken).ConfigureAwait(false))
        {
            audit?.Committed(auditEvent);
        }
    }

    private async Task<CertificateRecord> SaveIssuedAsync(
        ScepProfile profile, EnrolmentTransaction transaction, CertificationRequest csr, byte[] der, RelayCaller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(der);
        var issued = new IssuedCertificate(
            der,
            CertificateRecords.SerialHex(Convert.FromHexString(certificate.SerialNumber)),
            certificate.Issuer,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            certificate.SignatureAlgorithm.FriendlyName ?? certificate.SignatureAlgorithm.Value ?? "unknown");

        // The record describes the certificate as the upstream issued it, which may differ from what was asked.
        var described = new IssueRequest(certificate.SubjectName, certificate.PublicKey, certificate.Extensions["2.5.29.17"], profile.Template);
        IReadOnlyList<Finding>? findings = policy is null
            ? null
            : [.. policy.EvaluateRequest(profile, csr, transaction.ContentEncryptionAlgorithm, transaction.DigestAlgorithm)
                .Concat(policy.EvaluateCertificate(certificate, profile)).DistinctBy(f => f.RuleId)];
        CertificateRecord record = RenewalDueTime.Plan(
            CertificateRecords.From(issued, described, profile.Name, transaction.TransactionId, now), profile.Options, Random.Shared) with { Findings = findings };
        EnrolmentTransaction done = transaction with
        {
            State = TransactionState.Issued,
            CertificateSerial = record.Serial,
            UpdatedAt = now,
            Device = DeviceObservation.From(csr, profile, transaction.RequesterAddress, now),
            Decision = caller.Decision ?? transaction.Decision,
            DecidedBy = caller.Decision is null ? transaction.DecidedBy : caller.Actor,
            DecidedAt = caller.Decision is null ? transaction.DecidedAt : now,
            // A renewal relayed from the queue or collected later was read back from the store, which keeps what it
            // renews only in its key.
            RenewalOf = transaction.RenewalOf ?? StoredTransactionId.Split(transaction.TransactionId).RenewedSerial,
        };
        AuditEvent auditEvent = Audit(transaction, caller, now, caller.IssuedAction, AuditOutcome.Success,
            $"Certificate {record.Serial} for {record.Subject} issued by the upstream CA {issued.Issuer}.");
        IssueOutcome outcome = await enrolments.SaveIssuedAsync(done, record, auditEvent, cancellationToken).ConfigureAwait(false);
        if (!outcome.AlreadyIssued)
        {
            audit?.Committed(auditEvent);
        }

        return outcome.Certificate;
    }

    private static AuditEvent Audit(EnrolmentTransaction transaction, RelayCaller caller, DateTimeOffset now, string action, AuditOutcome outcome, string details) => new()
    {
        Time = now,
        Action = action,
        Outcome = outcome,
        Actor = caller.Actor,
        SourceAddress = caller.SourceAddress,
        Target = caller.Actor == EnrolmentHandler.DeviceActor ? transaction.TransactionId : transaction.Id.ToString(CultureInfo.InvariantCulture),
        Profile = transaction.Profile,
        Details = details,
    };
}

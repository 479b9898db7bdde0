using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Inventory;
using CertBroker.Core.Issuing;
using CertBroker.Core.Policy;
using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;
using CertBroker.Core.Storage;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// PKCSReq and RenewalReq (RFC 8894 §3.3.1). One transactionID is one request: a re-send after success gets the
/// same certificate, a re-send while the request waits for approval gets PENDING, a re-send after a rejection or
/// expiry gets FAILURE, a re-send with another key is refused, and the store guarantees at most one certificate per
/// transaction even when re-sends race. Every decision is audited in the same write as the transaction.
/// </summary>
internal sealed class EnrolmentHandler
{
    /// <summary>The audit actor for decisions on a SCEP client's request.</summary>
    public const string DeviceActor = "device";

    private const int SerialAttempts = 3;

    private readonly ProfileBackends _backends;
    private readonly UpstreamRelay? _relay;
    private readonly IEnrolmentStore _enrolments;
    private readonly ICertificateStore _certificates;
    private readonly RequestAuthorizer _authorizer;
    private readonly TimeProvider _time;
    private readonly TransactionLocks _transactions;
    private readonly QueueDecisions _decisions;
    private readonly IDeviceMatcher _devices;
    private readonly AuditRecorder? _audit;
    private readonly ChallengeGuard? _challenges;
    private readonly WeakCryptoPolicy? _policy;

    public EnrolmentHandler(
        ProfileBackends backends,
        UpstreamRelay? relay,
        IEnrolmentStore enrolments,
        ICertificateStore certificates,
        TimeProvider time,
        TransactionLocks transactions,
        IDeviceMatcher devices,
        AuditRecorder? audit,
        ChallengeGuard? challenges = null,
        WeakCryptoPolicy? policy = null)
    {
        _backends = backends;
        _relay = relay;
        _enrolments = enrolments;
        _certificates = certificates;
        _time = time;
        _transactions = transactions;
        _devices = devices;
        _audit = audit;
        _decisions = new QueueDecisions(enrolments, audit);
        _challenges = challenges;
        _policy = policy;
        _authorizer = new RequestAuthorizer(time, challenges);
    }

    public async Task<ScepResult> HandleAsync(EnrolmentContext context, CancellationToken cancellationToken)
    {
        CertificationRequest csr = CertificationRequest.Parse(context.Content.Content);
        (ScepProfile profile, PkiMessage request, _, _, Reply reply, TransactionKey key) = context;
        using IDisposable held = await _transactions.AcquireAsync(profile.Name, key.Value, cancellationToken).ConfigureAwait(false);

        EnrolmentTransaction? existing = await _enrolments.FindTransactionAsync(profile.Name, key.Value, cancellationToken).ConfigureAwait(false);
        if (existing is { State: TransactionState.Issued or TransactionState.Pending } && existing.PublicKeySha256 != csr.PublicKeySha256)
        {
            // Not recorded: the transaction belongs to the first key, and this message must not change it.
            return reply.Failure(FailInfo.BadRequest, "transactionID already used with another public key.");
        }

        if (existing is { State: TransactionState.Pending })
        {
            // micromdm re-sends the identical message, certmonger a new one with a new nonce: both mean "is it ready?".
            return QueueDecisions.IsDue(existing, _time.GetUtcNow())
                && await _decisions.ExpireAsync(existing, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false)
                ? reply.Failure(FailInfo.BadRequest, "Request expired while pending approval.")
                : reply.Pending("Re-sent request still pending approval.");
        }

        if (existing is { State: TransactionState.Failed, Decision: { } decision })
        {
            // Settled by the approval queue: a re-send must not open the transaction again.
            return reply.Failure(FailInfo.BadRequest, $"Request was {decision.ToString().ToLowerInvariant()} earlier.");
        }

        if (existing is { State: TransactionState.Issued, CertificateSerial: { } serial })
        {
            CertificateRecord? issued = await _certificates.FindBySerialAsync(serial, cancellationToken).ConfigureAwait(false);
            if (issued is not null)
            {
                return reply.Success(CertificatesFor(profile, issued), null, "Re-sent request answered with the certificate already issued.", issued.Serial);
            }
        }

        if (!csr.VerifySignature(request))
        {
            return await RefuseAsync(context, csr, FailInfo.BadMessageCheck, "CSR signature does not verify.", cancellationToken).ConfigureAwait(false);
        }

        Authorization authorization = await _authorizer.AuthorizeAsync(context, csr, key.SignerCertificate, cancellationToken).ConfigureAwait(false);
        if (!authorization.Allowed)
        {
            return await RefuseAsync(context, csr, FailInfo.BadRequest, authorization.Reason, cancellationToken, authorization.RenewalOf).ConfigureAwait(false);
        }

        // Weak-crypto policy: a few modular reductions on the key, so it runs inline (see WeakCryptoPolicy).
        IReadOnlyList<Finding>? findings = _policy?.EvaluateRequest(
            profile, csr, context.Content.Algorithm.Name, DigestAlgorithms.DisplayName(request.Signature.Digest));
        if (findings is not null && WeakCryptoPolicy.Refusal(profile, findings) is { } refusal)
        {
            // The rule id goes to the log line and the audit trail; the client only sees the failInfo.
            FailInfo failInfo = refusal.IsAlgorithm ? FailInfo.BadAlg : FailInfo.BadRequest;
            return await RefuseAsync(context, csr, failInfo, $"Refused by weak-crypto policy {refusal.RuleId}: {refusal.Message}.", cancellationToken).ConfigureAwait(false);
        }

        if (profile.Options.Approval == ApprovalMode.Manual && !(authorization.Renewal && profile.Options.RenewalSkipsApproval))
        {
            return await QueueAsync(context, csr, authorization, findings, cancellationToken).ConfigureAwait(false);
        }

        if (_backends.Upstream(profile.Name) is not null)
        {
            return await RelayAsync(context, csr, authorization, findings, cancellationToken).ConfigureAwait(false);
        }

        IssueOutcome outcome;
        try
        {
            outcome = await IssueAsync(context, csr, authorization, findings, cancellationToken).ConfigureAwait(false);
        }
        catch (ChallengeAlreadyUsedException)
        {
            // Another transaction used the same one-time password between the check and the write.
            return await RefuseAsync(context, csr, FailInfo.BadRequest, "One-time challenge was used by another request.", cancellationToken).ConfigureAwait(false);
        }

        if (authorization.Challenge is { } redemption && !outcome.AlreadyIssued)
        {
            _challenges?.Committed(redemption);
        }

        string reason = outcome.AlreadyIssued ? "Answered with the certificate a concurrent message obtained." : authorization.Reason;
        return reply.Success(CertificatesFor(profile, outcome.Certificate), null, reason, outcome.Certificate.Serial);
    }

    /// <summary>The certificates a SUCCESS carries: the issued one first, then the CA chain when the profile says so.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> CertificatesFor(ScepProfile profile, CertificateRecord record)
    {
        yield return record.Der;
        if (profile.Options.IncludeCaCertificates)
        {
            foreach (X509Certificate2 ca in _backends.Identity(profile)?.CaChain ?? [])
            {
                yield return ca.RawData;
            }
        }
    }

    private async Task<IssueOutcome> IssueAsync(
        EnrolmentContext context, CertificationRequest csr, Authorization authorization, IReadOnlyList<Finding>? findings, CancellationToken cancellationToken)
    {
        // The device record is written in the same transaction as the certificate (IEnrolmentStore.SaveIssuedAsync).
        var issueRequest = new IssueRequest(csr.Subject, csr.GetPublicKey(), csr.SubjectAlternativeName, context.Profile.Template);
        for (int attempt = 1; ; attempt++)
        {
            IssuedCertificate certificate = await _backends.Embedded.IssueAsync(issueRequest, cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = _time.GetUtcNow();
            // The due time is planned in memory and written with the certificate: no extra round trip. The request's
            // findings are the certificate's: the broker signs with strong algorithms only.
            CertificateRecord record = RenewalDueTime.Plan(
                CertificateRecords.From(certificate, issueRequest, context.Profile.Name, context.Key.Value, now), context.Profile.Options, Random.Shared)
                with { Findings = findings };
            AuditEvent auditEvent = Audit(context, now, AuditActions.EnrolmentIssued, AuditOutcome.Success, $"Certificate {record.Serial} for {record.Subject}. {authorization.Reason}");
            try
            {
                EnrolmentTransaction transaction = Transaction(context, csr, TransactionState.Issued, null, now) with
                {
                    CertificateSerial = record.Serial,
                    Device = DeviceObservation.From(csr, context.Profile, context.RequesterAddress, now),
                    Challenge = authorization.Challenge,
                    RenewalOf = authorization.RenewalOf,
                };
                IssueOutcome outcome = await _enrolments.SaveIssuedAsync(transaction, record, auditEvent, cancellationToken).ConfigureAwait(false);
                if (!outcome.AlreadyIssued)
                {
                    _audit?.Committed(auditEvent);
                }

                return outcome;
            }
            catch (DuplicateSerialException) when (attempt < SerialAttempts)
            {
                // A 128-bit random serial clashing is astronomically rare; the store caught it, so sign again.
            }
        }
    }

    /// <param name="renewalOf">The certificate whose renewal was refused, which records it as its last attempt.</param>
    private async Task<ScepResult> RefuseAsync(
        EnrolmentContext context, CertificationRequest csr, FailInfo failInfo, string reason, CancellationToken cancellationToken, string? renewalOf = null)
    {
        DateTimeOffset now = _time.GetUtcNow();
        EnrolmentTransaction failed = Transaction(context, csr, TransactionState.Failed, failInfo, now) with
        {
            RenewalOf = renewalOf,
            RenewalResult = renewalOf is null ? null : $"refused: {reason}",
        };
        AuditEvent auditEvent = Audit(context, now, AuditActions.EnrolmentRejected, AuditOutcome.Failure, $"{failInfo.ToRfcName()}: {reason}");
        if (await _enrolments.SaveTransactionAsync(failed, auditEvent, cancellationToken).ConfigureAwait(false))
        {
            _audit?.Committed(auditEvent);
        }

        return context.Reply.Failure(failInfo, reason);
    }

    // Backend=Ndes: the device's request was checked here; the upstream CA decides and signs. PENDING and an
    // unreachable upstream leave the transaction Pending for the upstream job, and the device polls the broker.
    private async Task<ScepResult> RelayAsync(
        EnrolmentContext context, CertificationRequest csr, Authorization authorization, IReadOnlyList<Finding>? findings, CancellationToken cancellationToken)
    {
        EnrolmentTransaction pending = await PendingAsync(context, csr, authorization, findings, cancellationToken).ConfigureAwait(false);
        RelayOutcome outcome;
        try
        {
            var caller = new RelayCaller(DeviceActor, context.RequesterAddress, AuditActions.EnrolmentIssued);
            UpstreamRelay relay = _relay ?? throw new InvalidOperationException($"Profile {context.Profile.Name} has an upstream CA but no relay was configured.");
            outcome = await relay.RelayAsync(context.Profile, pending with { Challenge = authorization.Challenge, RenewalOf = authorization.RenewalOf }, stored: false, caller, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ChallengeAlreadyUsedException)
        {
            return await RefuseAsync(context, csr, FailInfo.BadRequest, "One-time challenge was used by another request.", cancellationToken).ConfigureAwait(false);
        }

        if (outcome.Status != PkiStatus.Failure && authorization.Challenge is { } redemption)
        {
            _challenges?.Committed(redemption);
        }

        return outcome switch
        {
            { Status: PkiStatus.Success, Certificate: { } record } => context.Reply.Success(CertificatesFor(context.Profile, record), null, outcome.Reason, record.Serial),
            { Status: PkiStatus.Failure } => context.Reply.Failure(outcome.FailInfo ?? FailInfo.BadRequest, outcome.Reason),
            _ => context.Reply.Pending(outcome.Reason),
        };
    }

    /// <summary>The transaction of a request that waits (for an admin or the upstream CA), with what the queue shows.</summary>
    private async Task<EnrolmentTransaction> PendingAsync(
        EnrolmentContext context, CertificationRequest csr, Authorization authorization, IReadOnlyList<Finding>? findings, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        ScepProfile profile = context.Profile;
        (string keyAlgorithm, int keySize) = CertificateRecords.KeyOf(csr.GetPublicKey());
        return Transaction(context, csr, TransactionState.Pending, null, now) with
        {
            SubjectAlternativeNames = CertificateRecords.SubjectAlternativeNames(csr.SubjectAlternativeName),
            KeyAlgorithm = keyAlgorithm,
            KeySize = keySize,
            ChallengeMode = authorization.Renewal ? "Renewal" : profile.Options.Challenge.ToString(),
            Findings = findings?.Select(f => f.ToString()).ToList() ?? [],
            DeviceId = await _devices.FindDeviceAsync(profile.Name, csr, cancellationToken).ConfigureAwait(false),
            ExpiresAt = now.AddDays(profile.Options.PendingExpiryDays),
        };
    }

    // Manual approval (RFC 8894 §3.3.2, pkiStatus PENDING): record everything the admin needs and let the client poll.
    private async Task<ScepResult> QueueAsync(
        EnrolmentContext context, CertificationRequest csr, Authorization authorization, IReadOnlyList<Finding>? findings, CancellationToken cancellationToken)
    {
        EnrolmentTransaction pending = await PendingAsync(context, csr, authorization, findings, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = pending.CreatedAt;
        AuditEvent auditEvent = Audit(context, now, AuditActions.EnrolmentPending, AuditOutcome.Success, $"Queued for approval: {pending.Subject}. {authorization.Reason}");
        try
        {
            // The one-time password is used by the request from the moment it is queued.
            if (await _enrolments.SaveTransactionAsync(pending with { Challenge = authorization.Challenge }, auditEvent, cancellationToken).ConfigureAwait(false))
            {
                _audit?.Committed(auditEvent);
                if (authorization.Challenge is { } redemption)
                {
                    _challenges?.Committed(redemption);
                }
            }
        }
        catch (ChallengeAlreadyUsedException)
        {
            return await RefuseAsync(context, csr, FailInfo.BadRequest, "One-time challenge was used by another request.", cancellationToken).ConfigureAwait(false);
        }

        return context.Reply.Pending($"Queued for approval until {pending.ExpiresAt:u}. {authorization.Reason}");
    }

    private static AuditEvent Audit(EnrolmentContext context, DateTimeOffset now, string action, AuditOutcome outcome, string details) => new()
    {
        Time = now,
        Action = action,
        Outcome = outcome,
        Actor = DeviceActor,
        SourceAddress = context.RequesterAddress,
        Target = context.Key.Value,
        Profile = context.Profile.Name,
        Details = details,
    };

    private static EnrolmentTransaction Transaction(EnrolmentContext context, CertificationRequest csr, TransactionState state, FailInfo? failInfo, DateTimeOffset now) => new()
    {
        Profile = context.Profile.Name,
        TransactionId = context.Key.Value,
        MessageType = (int)context.Request.MessageType,
        State = state,
        PublicKeySha256 = csr.PublicKeySha256,
        Subject = csr.Subject.Name,
        RequesterAddress = context.RequesterAddress,
        ContentEncryptionAlgorithm = context.Content.Algorithm.Name,
        DigestAlgorithm = DigestAlgorithms.DisplayName(context.Request.Signature.Digest),
        SignatureAlgorithm = context.Request.Signature.Scheme,
        FailInfo = failInfo?.ToRfcName(),
        CertificationRequest = csr.Encoded,
        CreatedAt = now,
        UpdatedAt = now,
    };
}

using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Challenges;
using CertBroker.Core.Inventory;
using CertBroker.Core.Issuing;
using CertBroker.Core.Profiles;
using CertBroker.Core.Storage;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// PKCSReq and RenewalReq (RFC 8894 §3.3.1). One transactionID is one request: a re-send after success gets the
/// same certificate, a re-send with another key is refused, and the store guarantees at most one certificate per
/// transaction even when re-sends race.
/// </summary>
internal sealed class EnrolmentHandler
{
    private const int SerialAttempts = 3;

    private readonly ICertificateIssuer _issuer;
    private readonly IEnrolmentStore _enrolments;
    private readonly ICertificateStore _certificates;
    private readonly RequestAuthorizer _authorizer;
    private readonly TimeProvider _time;
    private readonly KeyedLock _transactions = new();

    private readonly ChallengeGuard? _challenges;

    public EnrolmentHandler(ICertificateIssuer issuer, IEnrolmentStore enrolments, ICertificateStore certificates, TimeProvider time, ChallengeGuard? challenges = null)
    {
        _issuer = issuer;
        _enrolments = enrolments;
        _certificates = certificates;
        _time = time;
        _challenges = challenges;
        _authorizer = new RequestAuthorizer(time, challenges);
    }

    public async Task<ScepResult> HandleAsync(EnrolmentContext context, CancellationToken cancellationToken)
    {
        CertificationRequest csr = CertificationRequest.Parse(context.Content.Content);
        (ScepProfile profile, PkiMessage request, _, _, Reply reply, TransactionKey key) = context;
        using IDisposable held = await _transactions.AcquireAsync($"{profile.Name}\n{key.Value}", cancellationToken).ConfigureAwait(false);

        EnrolmentTransaction? existing = await _enrolments.FindTransactionAsync(profile.Name, key.Value, cancellationToken).ConfigureAwait(false);
        if (existing is { State: TransactionState.Issued or TransactionState.Pending } && existing.PublicKeySha256 != csr.PublicKeySha256)
        {
            // Not recorded: the transaction belongs to the first key, and this message must not change it.
            return reply.Failure(FailInfo.BadRequest, "transactionID already used with another public key.");
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
            return await RefuseAsync(context, csr, FailInfo.BadRequest, authorization.Reason, cancellationToken).ConfigureAwait(false);
        }

        IssueOutcome outcome;
        try
        {
            outcome = await IssueAsync(context, csr, authorization.Challenge, cancellationToken).ConfigureAwait(false);
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
            foreach (X509Certificate2 ca in _issuer.CaChain)
            {
                yield return ca.RawData;
            }
        }
    }

    private async Task<IssueOutcome> IssueAsync(EnrolmentContext context, CertificationRequest csr, ChallengeRedemption? challenge, CancellationToken cancellationToken)
    {
        // The device record is written in the same transaction as the certificate (IEnrolmentStore.SaveIssuedAsync).
        var facts = CsrDeviceFacts.From(csr);
        DeviceIdentity identity = facts.IdentityFor(context.Profile.Options.DeviceIdentity, csr.Subject.Name);
        var issueRequest = new IssueRequest(csr.Subject, csr.GetPublicKey(), csr.SubjectAlternativeName, context.Profile.Template);
        for (int attempt = 1; ; attempt++)
        {
            IssuedCertificate certificate = await _issuer.IssueAsync(issueRequest, cancellationToken).ConfigureAwait(false);
            DateTimeOffset now = _time.GetUtcNow();
            CertificateRecord record = CertificateRecords.From(certificate, issueRequest, context.Profile.Name, context.Key.Value, now);
            try
            {
                EnrolmentTransaction transaction = Transaction(context, csr, TransactionState.Issued, null, now) with
                {
                    CertificateSerial = record.Serial,
                    Device = Observation(context, facts, identity, now),
                    Challenge = challenge,
                };
                return await _enrolments.SaveIssuedAsync(transaction, record, cancellationToken).ConfigureAwait(false);
            }
            catch (DuplicateSerialException) when (attempt < SerialAttempts)
            {
                // A 128-bit random serial clashing is astronomically rare; the store caught it, so sign again.
            }
        }
    }

    private async Task<ScepResult> RefuseAsync(EnrolmentContext context, CertificationRequest csr, FailInfo failInfo, string reason, CancellationToken cancellationToken)
    {
        EnrolmentTransaction failed = Transaction(context, csr, TransactionState.Failed, failInfo, _time.GetUtcNow());
        await _enrolments.SaveTransactionAsync(failed, cancellationToken).ConfigureAwait(false);
        return context.Reply.Failure(failInfo, reason);
    }

    private static DeviceObservation Observation(EnrolmentContext context, CsrDeviceFacts facts, DeviceIdentity identity, DateTimeOffset now) => new()
    {
        Identity = identity,
        Name = facts.CommonName,
        SerialNumber = facts.SerialNumber,
        MacAddress = facts.MacAddress,
        IpAddress = context.RequesterAddress,
        Profile = context.Profile.Name,
        SeenAt = now,
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

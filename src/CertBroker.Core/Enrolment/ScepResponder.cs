using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Challenges;
using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Issuing;
using CertBroker.Core.Profiles;
using CertBroker.Core.Storage;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// Answers PKIOperation messages (RFC 8894 §3.3). Refusals of a message we could read are signed CertRep FAILUREs
/// with a failInfo; the reason stays in <see cref="ScepResult.Reason"/> for the log.
/// </summary>
public sealed class ScepResponder
{
    private readonly ProfileBackends _backends;
    private readonly ICrlPublisher _crls;
    private readonly IEnrolmentStore _enrolments;
    private readonly ICertificateStore _certificates;
    private readonly EnrolmentHandler _enrolmentHandler;
    private readonly TimeProvider _time;
    private readonly TransactionLocks _transactions;
    private readonly QueueDecisions _decisions;

    /// <param name="ra">The RA that signs replies and opens envelopes.</param>
    /// <param name="issuer">The CA.</param>
    /// <param name="crls">Answers GetCRL.</param>
    /// <param name="enrolments">Transactions.</param>
    /// <param name="certificates">Issued certificates.</param>
    /// <param name="time">The clock.</param>
    /// <param name="transactions">Per-transaction locks shared with the approval queue; a private set when omitted.</param>
    /// <param name="devices">Finds the inventory device of a queued request; none when omitted.</param>
    /// <param name="audit">Forwards the audit events of enrolment decisions once committed; omitted, they are only stored.</param>
    /// <param name="challenges">Checks challenges behind the per-source lockout, one-time ones included; without it only static challenges work.</param>
    /// <param name="policy">The weak-crypto policy; without it no request is checked.</param>
    /// <param name="backends">The RA, CA chain and upstream of each profile; the embedded CA for every profile when omitted.</param>
    /// <param name="relay">Relays requests of <c>Backend=Ndes</c> profiles to their upstream CA.</param>
    public ScepResponder(
        IRegistrationAuthority ra,
        ICertificateIssuer issuer,
        ICrlPublisher crls,
        IEnrolmentStore enrolments,
        ICertificateStore certificates,
        TimeProvider time,
        TransactionLocks? transactions = null,
        IDeviceMatcher? devices = null,
        AuditRecorder? audit = null,
        ChallengeGuard? challenges = null,
        Policy.WeakCryptoPolicy? policy = null,
        ProfileBackends? backends = null,
        UpstreamRelay? relay = null)
    {
        _backends = backends ?? new ProfileBackends(ra, issuer);
        _crls = crls;
        _enrolments = enrolments;
        _certificates = certificates;
        _time = time;
        _transactions = transactions ?? new TransactionLocks();
        _decisions = new QueueDecisions(enrolments, audit);
        _enrolmentHandler = new EnrolmentHandler(_backends, relay, enrolments, certificates, time, _transactions, devices ?? NoDeviceMatcher.Instance, audit, challenges, policy);
    }

    public async Task<ScepResult> HandleAsync(ScepProfile profile, ReadOnlyMemory<byte> message, string? requesterAddress, CancellationToken cancellationToken)
    {
        PkiMessage? parsed;
        try
        {
            parsed = PkiMessage.Read(message);
        }
        catch (ScepFormatException ex)
        {
            return ScepResult.Malformed(ex.InnerException is null ? ex.Message : $"{ex.Message} {ex.InnerException.Message}");
        }
        catch (ScepFailureException ex)
        {
            // An algorithm we do not know in a message we cannot verify: nothing trustworthy to answer.
            return ScepResult.Malformed(ex.Message);
        }

        using PkiMessage request = parsed;
        if (_backends.Identity(profile) is not (IRegistrationAuthority ra, IReadOnlyList<X509Certificate2> caChain))
        {
            return ScepResult.NotReady($"Profile {profile.Name}: the upstream CA is not ready yet.");
        }

        DateTimeOffset now = _time.GetUtcNow();
        var reply = new Reply(request, ra, now);
        if (!request.SignatureValid)
        {
            return reply.Failure(FailInfo.BadMessageCheck, "Request signature does not verify.");
        }

        if (request.SignerCertificate.KeyAlgorithm != Oids.RsaEncryption)
        {
            // A SUCCESS is enveloped for the signer by RSA key transport (RFC 8894 §3.2.2); refuse before issuing anything.
            return reply.Failure(FailInfo.BadAlg, "The signer's key is not RSA, so no reply could be encrypted for it.");
        }

        if (profile.Options.SigningTimeToleranceMinutes is int tolerance && request.SigningTime is DateTimeOffset signed
            && (signed - now).Duration() > TimeSpan.FromMinutes(tolerance))
        {
            return reply.Failure(FailInfo.BadTime, $"signingTime {signed:u} is more than {tolerance} minutes from the broker's clock.");
        }

        try
        {
            if (request.MessageType is not (MessageType.PkcsReq or MessageType.RenewalReq or MessageType.CertPoll or MessageType.GetCert or MessageType.GetCrl))
            {
                return reply.Failure(FailInfo.BadRequest, $"Unsupported messageType {(int)request.MessageType}.");
            }

            DecryptedContent content = request.DecryptMessageData(ra.DecryptionKeys);
            reply.Algorithm = content.Algorithm;
            TransactionKey key = request.MessageType is MessageType.GetCert or MessageType.GetCrl
                ? new TransactionKey(request.TransactionId, null)
                : await TransactionKey.ResolveAsync(request, caChain[0], _certificates, cancellationToken).ConfigureAwait(false);
            return request.MessageType switch
            {
                MessageType.CertPoll => await PollAsync(profile, key, content, reply, cancellationToken).ConfigureAwait(false),
                MessageType.GetCert => await GetCertAsync(content, caChain[0], reply, cancellationToken).ConfigureAwait(false),
                MessageType.GetCrl when _backends.Upstream(profile.Name) is not null =>
                    reply.Failure(FailInfo.BadRequest, "GetCRL is not relayed to the upstream CA; its CRL is published by the upstream."),
                MessageType.GetCrl => await GetCrlAsync(content, caChain[0], reply, cancellationToken).ConfigureAwait(false),
                _ => await _enrolmentHandler.HandleAsync(new EnrolmentContext(profile, request, content, requesterAddress, reply, key), cancellationToken)
                    .ConfigureAwait(false),
            };
        }
        catch (ScepFailureException ex)
        {
            return reply.Failure(ex.FailInfo, ex.Message);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            // Key or name material in the request that the platform refuses to handle.
            return reply.Failure(FailInfo.BadRequest, $"Request content refused by the crypto library: {ex.Message}");
        }
    }

    // CertPoll (RFC 8894 §3.3.3): the transactionID finds the request; IssuerAndSubject only has to parse.
    private async Task<ScepResult> PollAsync(ScepProfile profile, TransactionKey key, DecryptedContent content, Reply reply, CancellationToken cancellationToken)
    {
        CertRep.ReadIssuerAndSubject(content.Content);
        EnrolmentTransaction? transaction = await _enrolments.FindTransactionAsync(profile.Name, key.Value, cancellationToken).ConfigureAwait(false);
        switch (transaction?.State)
        {
            case TransactionState.Issued when transaction.CertificateSerial is not null:
                CertificateRecord? record = await _certificates.FindBySerialAsync(transaction.CertificateSerial, cancellationToken).ConfigureAwait(false);
                return record is null
                    ? reply.Failure(FailInfo.BadCertId, "Issued certificate is missing from the store.")
                    : reply.Success(_enrolmentHandler.CertificatesFor(profile, record), null, "Poll answered with the issued certificate.", record.Serial);
            case TransactionState.Pending when QueueDecisions.IsDue(transaction, _time.GetUtcNow()):
                // Lazy expiry: the sweep runs periodically, but a poll must never see a request past its expiry as pending.
                using (await _transactions.AcquireAsync(profile.Name, key.Value, cancellationToken).ConfigureAwait(false))
                {
                    EnrolmentTransaction? current = await _enrolments.FindTransactionAsync(profile.Name, key.Value, cancellationToken).ConfigureAwait(false);
                    if (current is { State: TransactionState.Pending } && QueueDecisions.IsDue(current, _time.GetUtcNow()))
                    {
                        await _decisions.ExpireAsync(current, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                        return reply.Failure(FailInfo.BadRequest, "Request expired while pending approval.");
                    }
                }

                // Decided in the meantime: answer from the current state.
                return await PollAsync(profile, key, content, reply, cancellationToken).ConfigureAwait(false);
            case TransactionState.Pending:
                return reply.Pending("Request still pending approval.");
            case TransactionState.Failed:
                return reply.Failure(ParseFailInfo(transaction.FailInfo), "Request was refused earlier.");
            default:
                return reply.Failure(FailInfo.BadCertId, "No request with this transactionID.");
        }
    }

    // GetCert (RFC 8894 §3.3.4): any certificate this CA issued, by issuer and serial.
    private async Task<ScepResult> GetCertAsync(DecryptedContent content, X509Certificate2 ca, Reply reply, CancellationToken cancellationToken)
    {
        IssuerAndSerial wanted = CertRep.ReadIssuerAndSerial(content.Content);
        if (!IsOurIssuer(wanted, ca))
        {
            return reply.Failure(FailInfo.BadCertId, "GetCert names another issuer.");
        }

        CertificateRecord? record = await _certificates.FindBySerialAsync(wanted.SerialHex, cancellationToken).ConfigureAwait(false);
        return record is null
            ? reply.Failure(FailInfo.BadCertId, $"No certificate with serial {wanted.SerialHex}.")
            : reply.Success([record.Der], null, "GetCert answered.", record.Serial);
    }

    // GetCRL (RFC 8894 §3.3.4): the CRL of the CA that issued the named certificate.
    private async Task<ScepResult> GetCrlAsync(DecryptedContent content, X509Certificate2 ca, Reply reply, CancellationToken cancellationToken)
    {
        IssuerAndSerial wanted = CertRep.ReadIssuerAndSerial(content.Content);
        if (!IsOurIssuer(wanted, ca))
        {
            return reply.Failure(FailInfo.BadCertId, "GetCRL names another issuer.");
        }

        byte[] crl = await _crls.GetCurrentCrlAsync(cancellationToken).ConfigureAwait(false);
        return reply.Success([], [crl], "GetCRL answered.");
    }

    private static bool IsOurIssuer(IssuerAndSerial wanted, X509Certificate2 ca)
    {
        if (wanted.IssuerName.Span.SequenceEqual(ca.SubjectName.RawData))
        {
            return true;
        }

        // The same name in other string types still names our CA.
        try
        {
            return new X500DistinguishedName(wanted.IssuerName.Span).Name == ca.Subject;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private static FailInfo ParseFailInfo(string? name) => name switch
    {
        "badAlg" => FailInfo.BadAlg,
        "badMessageCheck" => FailInfo.BadMessageCheck,
        "badTime" => FailInfo.BadTime,
        "badCertId" => FailInfo.BadCertId,
        _ => FailInfo.BadRequest,
    };
}

/// <summary>One PKCSReq or RenewalReq on its way through the pipeline.</summary>
internal sealed record EnrolmentContext(ScepProfile Profile, PkiMessage Request, DecryptedContent Content, string? RequesterAddress, Reply Reply, TransactionKey Key);

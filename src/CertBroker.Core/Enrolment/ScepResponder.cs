using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Approvals;
using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// Answers PKIOperation messages (RFC 8894 §3.3). Every answer to a message it could read is an outcome value,
/// signed into a CertRep in one place; a refusal is a FAILURE with a failInfo, its reason only in
/// <see cref="ScepResult.Reason"/> for the log.
/// </summary>
public sealed class ScepResponder(
    BackendCatalog backends,
    EnrolmentPipeline enrolment,
    IEnrolmentStore enrolments,
    ICertificateStore certificates,
    TransactionLocks transactions,
    QueueDecisions decisions,
    TimeProvider time)
{
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
        ICaBackend backend = backends.For(profile);
        if (backend.Identity is not { } identity)
        {
            return ScepResult.NotReady($"Profile {profile.Name}: its CA is not ready yet.");
        }

        ContentEncryptionAlgorithm? algorithm = null;
        PkiOutcome outcome;
        try
        {
            (outcome, algorithm) = await AnswerAsync(profile, backend, identity, request, requesterAddress, cancellationToken).ConfigureAwait(false);
        }
        catch (ScepFailureException ex)
        {
            outcome = PkiOutcome.Failure(ex.FailInfo, ex.Message);
        }
        catch (CryptographicException ex)
        {
            // Key or name material in the request that the platform refuses to handle.
            outcome = PkiOutcome.Failure(FailInfo.BadRequest, $"Request content refused by the crypto library: {ex.Message}");
        }

        return CertRepSigner.Sign(request, identity.Ra, algorithm, time.GetUtcNow(), outcome);
    }

    private async Task<(PkiOutcome Outcome, ContentEncryptionAlgorithm? Algorithm)> AnswerAsync(
        ScepProfile profile, ICaBackend backend, BackendIdentity identity, PkiMessage request, string? requesterAddress, CancellationToken cancellationToken)
    {
        if (!request.SignatureValid)
        {
            return (PkiOutcome.Failure(FailInfo.BadMessageCheck, "Request signature does not verify."), null);
        }

        if (request.SignerCertificate.KeyAlgorithm != Oids.RsaEncryption)
        {
            // A SUCCESS is enveloped for the signer by RSA key transport (RFC 8894 §3.2.2); refuse before issuing anything.
            return (PkiOutcome.Failure(FailInfo.BadAlg, "The signer's key is not RSA, so no reply could be encrypted for it."), null);
        }

        DateTimeOffset now = time.GetUtcNow();
        if (profile.Options.SigningTimeToleranceMinutes is int tolerance && request.SigningTime is DateTimeOffset signed
            && (signed - now).Duration() > TimeSpan.FromMinutes(tolerance))
        {
            return (PkiOutcome.Failure(FailInfo.BadTime, $"signingTime {signed:u} is more than {tolerance} minutes from the broker's clock."), null);
        }

        if (request.MessageType is not (MessageType.PkcsReq or MessageType.RenewalReq or MessageType.CertPoll or MessageType.GetCert or MessageType.GetCrl))
        {
            return (PkiOutcome.Failure(FailInfo.BadRequest, $"Unsupported messageType {(int)request.MessageType}."), null);
        }

        DecryptedContent content = request.DecryptMessageData(identity.Ra.DecryptionKeys);
        X509Certificate2 ca = identity.CaChain[0];
        TransactionKey key = request.MessageType is MessageType.GetCert or MessageType.GetCrl
            ? new TransactionKey(request.TransactionId, null)
            : await TransactionKey.ResolveAsync(request, identity.CaChain, profile.Options.TrustedRaThumbprints, certificates, cancellationToken).ConfigureAwait(false);
        PkiOutcome outcome = request.MessageType switch
        {
            MessageType.CertPoll => await PollAsync(profile, identity, key, content, cancellationToken).ConfigureAwait(false),
            MessageType.GetCert => await GetCertAsync(content, ca, cancellationToken).ConfigureAwait(false),
            MessageType.GetCrl => await GetCrlAsync(backend, content, ca, cancellationToken).ConfigureAwait(false),
            _ => await enrolment.RunAsync(new EnrolmentContext
            {
                Profile = profile,
                Request = request,
                Content = content,
                Csr = CertificationRequest.Parse(content.Content),
                Key = key,
                RequesterAddress = requesterAddress,
                Backend = backend,
                Identity = identity,
            }, cancellationToken).ConfigureAwait(false),
        };
        return (outcome, content.Algorithm);
    }

    // CertPoll (RFC 8894 §3.3.3): the transactionID finds the request; IssuerAndSubject only has to parse.
    private async Task<PkiOutcome> PollAsync(ScepProfile profile, BackendIdentity identity, TransactionKey key, DecryptedContent content, CancellationToken cancellationToken)
    {
        CertRep.ReadIssuerAndSubject(content.Content);
        EnrolmentTransaction? transaction = await enrolments.FindTransactionAsync(profile.Name, key.Value, cancellationToken).ConfigureAwait(false);
        switch (transaction?.State)
        {
            case TransactionState.Issued when transaction.CertificateSerial is not null:
                CertificateRecord? record = await certificates.FindBySerialAsync(transaction.CertificateSerial, cancellationToken).ConfigureAwait(false);
                return record is null
                    ? PkiOutcome.Failure(FailInfo.BadCertId, "Issued certificate is missing from the store.")
                    : PkiOutcome.Issued(profile, identity, record, "Poll answered with the issued certificate.");
            case TransactionState.Pending when QueueDecisions.IsDue(transaction, time.GetUtcNow()):
                // Lazy expiry: the sweep runs periodically, but a poll must never see a request past its expiry as pending.
                using (await transactions.AcquireAsync(profile.Name, key.Value, cancellationToken).ConfigureAwait(false))
                {
                    EnrolmentTransaction? current = await enrolments.FindTransactionAsync(profile.Name, key.Value, cancellationToken).ConfigureAwait(false);
                    if (current is { State: TransactionState.Pending } && QueueDecisions.IsDue(current, time.GetUtcNow()))
                    {
                        await decisions.ExpireAsync(current, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                        return PkiOutcome.Failure(FailInfo.BadRequest, "Request expired while pending approval.");
                    }
                }

                // Decided in the meantime: answer from the current state.
                return await PollAsync(profile, identity, key, content, cancellationToken).ConfigureAwait(false);
            case TransactionState.Pending:
                return PkiOutcome.Pending("Request still pending approval.");
            case TransactionState.Failed:
                return PkiOutcome.Failure(ParseFailInfo(transaction.FailInfo), "Request was refused earlier.");
            default:
                return PkiOutcome.Failure(FailInfo.BadCertId, "No request with this transactionID.");
        }
    }

    // GetCert (RFC 8894 §3.3.4): any certificate this CA issued, by issuer and serial.
    private async Task<PkiOutcome> GetCertAsync(DecryptedContent content, X509Certificate2 ca, CancellationToken cancellationToken)
    {
        IssuerAndSerial wanted = CertRep.ReadIssuerAndSerial(content.Content);
        if (!IsOurIssuer(wanted, ca))
        {
            return PkiOutcome.Failure(FailInfo.BadCertId, "GetCert names another issuer.");
        }

        CertificateRecord? record = await certificates.FindBySerialAsync(wanted.SerialHex, cancellationToken).ConfigureAwait(false);
        return record is null
            ? PkiOutcome.Failure(FailInfo.BadCertId, $"No certificate with serial {wanted.SerialHex}.")
            : PkiOutcome.Success([record.Der], [], "GetCert answered.", record.Serial);
    }

    // GetCRL (RFC 8894 §3.3.4): the CRL of the CA that issued the named certificate, when the broker serves it.
    private static async Task<PkiOutcome> GetCrlAsync(ICaBackend backend, DecryptedContent content, X509Certificate2 ca, CancellationToken cancellationToken)
    {
        if (backend is not ICrlSource crls)
        {
            return PkiOutcome.Failure(FailInfo.BadRequest, "GetCRL is not served for this profile; its CA publishes its CRL itself.");
        }

        IssuerAndSerial wanted = CertRep.ReadIssuerAndSerial(content.Content);
        if (!IsOurIssuer(wanted, ca))
        {
            return PkiOutcome.Failure(FailInfo.BadCertId, "GetCRL names another issuer.");
        }

        byte[] crl = await crls.GetCurrentCrlAsync(cancellationToken).ConfigureAwait(false);
        return PkiOutcome.Success([], [crl], "GetCRL answered.");
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
        catch (CryptographicException)
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

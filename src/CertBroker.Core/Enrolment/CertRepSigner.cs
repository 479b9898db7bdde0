using System.Security.Cryptography;
using CertBroker.Core.Backends;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// Turns an outcome into the signed CertRep (RFC 8894 §3.3.2): signed by the RA with the request's digest, and a
/// SUCCESS enveloped with the cipher the request used (certmonger and micromdm expect both).
/// </summary>
public static class CertRepSigner
{
    /// <param name="request">The request answered.</param>
    /// <param name="ra">The RA of the request's profile.</param>
    /// <param name="algorithm">The request's content cipher, once its envelope was opened; AES-128 otherwise.</param>
    /// <param name="now">The signingTime.</param>
    /// <param name="outcome">What to answer.</param>
    public static ScepResult Sign(PkiMessage request, IRegistrationAuthority ra, ContentEncryptionAlgorithm? algorithm, DateTimeOffset now, PkiOutcome outcome)
    {
        var signer = new CmsSigner(ra.SigningCertificate, ra.SigningKey, ReplyDigest(request.Signature.Digest));
        byte[] body = outcome.Status switch
        {
            PkiStatus.Success => CertRep.Success(request, signer, algorithm ?? ContentEncryptionAlgorithm.Aes128Cbc, outcome.Certificates, outcome.Crls.Count == 0 ? null : outcome.Crls, now),
            PkiStatus.Pending => CertRep.Pending(request, signer, now),
            _ => CertRep.Failure(request, signer, outcome.FailInfo ?? FailInfo.BadRequest, now),
        };
        return new ScepResult
        {
            Body = body,
            MessageType = request.MessageType,
            TransactionId = request.TransactionId,
            Status = outcome.Status,
            FailInfo = outcome.Status == PkiStatus.Failure ? outcome.FailInfo ?? FailInfo.BadRequest : null,
            Reason = outcome.Reason,
            CertificateSerial = outcome.Serial,
        };
    }

    // The reply uses the request's digest so a client that only knows the one it sent can check it. SHA-384 is
    // not in SCEP's capability list but verifies everywhere; anything unknown falls back to SHA-256.
    private static HashAlgorithmName ReplyDigest(HashAlgorithmName requestDigest) =>
        requestDigest == HashAlgorithmName.SHA1 || requestDigest == HashAlgorithmName.SHA256
        || requestDigest == HashAlgorithmName.SHA384 || requestDigest == HashAlgorithmName.SHA512
        || requestDigest == HashAlgorithmName.MD5
            ? requestDigest
            : HashAlgorithmName.SHA256;
}

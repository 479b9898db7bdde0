using System.Security.Cryptography;
using CertBroker.Core.Issuing;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Enrolment;

/// <summary>
/// Builds the signed CertRep for one decoded request: signed by the RA signing certificate with the request's
/// digest, and enveloped with the cipher the request used (RFC 8894 §3.3.2; certmonger and micromdm expect that).
/// </summary>
internal sealed class Reply(PkiMessage request, IRegistrationAuthority ra, DateTimeOffset now)
{
    /// <summary>The request's content-encryption algorithm, once the envelope has been opened.</summary>
    public ContentEncryptionAlgorithm? Algorithm { get; set; }

    private CmsSigner Signer => new(ra.SigningCertificate, ra.SigningKey, ReplyDigest(request.Signature.Digest));

    public ScepResult Success(IEnumerable<ReadOnlyMemory<byte>> certificates, IEnumerable<ReadOnlyMemory<byte>>? crls, string reason, string? serial = null) => new()
    {
        Body = CertRep.Success(request, Signer, Algorithm ?? ContentEncryptionAlgorithm.Aes128Cbc, certificates, crls, now),
        MessageType = request.MessageType,
        TransactionId = request.TransactionId,
        Status = PkiStatus.Success,
        Reason = reason,
        CertificateSerial = serial,
    };

    public ScepResult Failure(FailInfo failInfo, string reason) => new()
    {
        Body = CertRep.Failure(request, Signer, failInfo, now),
        MessageType = request.MessageType,
        TransactionId = request.TransactionId,
        Status = PkiStatus.Failure,
        FailInfo = failInfo,
        Reason = reason,
    };

    public ScepResult Pending(string reason) => new()
    {
        Body = CertRep.Pending(request, Signer, now),
        MessageType = request.MessageType,
        TransactionId = request.TransactionId,
        Status = PkiStatus.Pending,
        Reason = reason,
    };

    // The reply uses the request's digest so a client that only knows the one it sent can check it. SHA-384 is
    // not in SCEP's capability list but verifies everywhere; anything unknown falls back to SHA-256.
    private static HashAlgorithmName ReplyDigest(HashAlgorithmName requestDigest) =>
        requestDigest == HashAlgorithmName.SHA1 || requestDigest == HashAlgorithmName.SHA256
        || requestDigest == HashAlgorithmName.SHA384 || requestDigest == HashAlgorithmName.SHA512
        || requestDigest == HashAlgorithmName.MD5
            ? requestDigest
            : HashAlgorithmName.SHA256;
}

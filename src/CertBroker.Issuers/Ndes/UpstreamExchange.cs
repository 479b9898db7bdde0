using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Issuers.Ndes;

/// <summary>
/// The client side of one PKIOperation towards the upstream: the message is enveloped to the upstream's recipient
/// with the strongest cipher it advertises, signed with the strongest digest (RFC 8894 §3.5.2), and the CertRep is
/// checked as a careful device would: signed by a certificate from the upstream's GetCACert, for our transaction
/// and nonce (RFC 8894 §3.2.1), then decrypted with the signer's key.
/// </summary>
public static class UpstreamExchange
{
    public static async Task<UpstreamCertRep> RunAsync(
        UpstreamHttp http,
        UpstreamCertificates upstream,
        MessageType messageType,
        string transactionId,
        byte[] content,
        X509Certificate2 signerCertificate,
        RSA signerKey,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ContentEncryptionAlgorithm cipher = CaCapabilities.StrongestCipher(upstream.Capabilities);
        HashAlgorithmName digest = CaCapabilities.StrongestDigest(upstream.Capabilities);
        byte[] nonce = RandomNumberGenerator.GetBytes(16);
        byte[] message = PkiRequest.Write(
            messageType, transactionId, nonce, content, [upstream.Recipient], cipher, new CmsSigner(signerCertificate, signerKey, digest), now);
        byte[] body = await http.PkiOperationAsync(message, CaCapabilities.AllowsPost(upstream.Capabilities), cancellationToken).ConfigureAwait(false);
        CertRepContent reply;
        try
        {
            reply = PkiRequest.ReadReply(body, signerCertificate, signerKey, upstream.Certificates);
        }
        catch (Exception ex) when (ex is ScepFormatException or ScepFailureException or CryptographicException)
        {
            throw new UpstreamReplyException($"The upstream's CertRep could not be read or decrypted: {ex.Message}", ex);
        }

        using PkiMessage signed = reply.Message;
        if (!signed.SignatureValid || !upstream.IsUpstreamSigner(signed.SignerCertificate.RawData.Span))
        {
            throw new UpstreamReplyException("The upstream's CertRep is not signed by a certificate from its GetCACert.");
        }

        if (signed.TransactionId != transactionId || (signed.RecipientNonce is { } echoed && !echoed.AsSpan().SequenceEqual(nonce)))
        {
            throw new UpstreamReplyException("The upstream's CertRep answers another transaction or nonce.");
        }

        return new UpstreamCertRep(signed.Status!.Value, signed.FailInfo, reply.Certificates, cipher.Name, DigestAlgorithms.DisplayName(digest));
    }
}

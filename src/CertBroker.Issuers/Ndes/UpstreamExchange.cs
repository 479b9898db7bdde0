using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Issuers.Ndes;

/// <summary>A CertRep the broker cannot trust or open: wrong signer, bad signature, wrong transaction or nonce, no decryption.</summary>
public sealed class UpstreamReplyException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>One checked CertRep from the upstream, and the algorithms the request used.</summary>
/// <param name="Status">pkiStatus.</param>
/// <param name="FailInfo">failInfo of a FAILURE.</param>
/// <param name="Certificates">Certificates of a SUCCESS.</param>
/// <param name="Cipher">Content-encryption algorithm of the request.</param>
/// <param name="Digest">Digest of the request's signature.</param>
public sealed record UpstreamCertRep(PkiStatus Status, FailInfo? FailInfo, IReadOnlyList<X509Certificate2> Certificates, string Cipher, string Digest)
{
    /// <summary>The issued certificate: the one holding <paramref name="subjectPublicKeyInfo"/>.</summary>
    public X509Certificate2? IssuedFor(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        foreach (X509Certificate2 certificate in Certificates)
        {
            if (certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(subjectPublicKeyInfo))
            {
                return certificate;
            }
        }

        return null;
    }
}

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

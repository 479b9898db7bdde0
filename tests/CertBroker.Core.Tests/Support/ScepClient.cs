using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Enrolment;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Tests.Support;

/// <summary>A message as a client sent it, with what the client needs to open the reply.</summary>
internal sealed record ClientMessage(byte[] Encoded, string TransactionId, byte[] SenderNonce, X509Certificate2 SignerCertificate, RSA SignerKey)
{
    /// <summary>Checks and, for a SUCCESS, decrypts the reply as the client would.</summary>
    public CertRepContent Open(ScepResult result)
    {
        Assert.NotNull(result.Body);
        return PkiRequest.ReadReply(result.Body, SignerCertificate, SignerKey);
    }
}

/// <summary>Builds client requests with the wire-format code's client side, enveloped to the RA encryption certificate.</summary>
internal sealed class ScepClient(X509Certificate2 raEncryption, TimeProvider time)
{
    public ClientMessage PkcsReq(
        Device device, byte[] csr, string? transactionId = null, ContentEncryptionAlgorithm? cipher = null, HashAlgorithmName? digest = null) =>
        Write(MessageType.PkcsReq, csr, device.SelfSigned, device.Key, transactionId ?? device.TransactionId, cipher, digest);

    /// <summary>A RenewalReq signed with the certificate being renewed and its key (RFC 8894 §3.3.1.2).</summary>
    public ClientMessage RenewalReq(X509Certificate2 current, RSA currentKey, byte[] csr, string transactionId) =>
        Write(MessageType.RenewalReq, csr, current, currentKey, transactionId);

    public ClientMessage CertPoll(Device device, string transactionId, X500DistinguishedName issuer, X500DistinguishedName subject) =>
        Write(MessageType.CertPoll, PkiRequest.IssuerAndSubject(issuer, subject), device.SelfSigned, device.Key, transactionId);

    public ClientMessage GetCert(Device device, byte[] issuerAndSerial) =>
        Write(MessageType.GetCert, issuerAndSerial, device.SelfSigned, device.Key, NewTransactionId());

    public ClientMessage GetCrl(Device device, byte[] issuerAndSerial) =>
        Write(MessageType.GetCrl, issuerAndSerial, device.SelfSigned, device.Key, NewTransactionId());

    public ClientMessage Write(
        MessageType messageType,
        byte[] content,
        X509Certificate2 signerCertificate,
        RSA signerKey,
        string transactionId,
        ContentEncryptionAlgorithm? cipher = null,
        HashAlgorithmName? digest = null,
        params X509Certificate2[] recipients)
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(16);
        byte[] encoded = PkiRequest.Write(
            messageType,
            transactionId,
            nonce,
            content,
            recipients.Length == 0 ? [raEncryption] : recipients,
            cipher ?? ContentEncryptionAlgorithm.Aes256Cbc,
            new CmsSigner(signerCertificate, signerKey, digest ?? HashAlgorithmName.SHA256),
            time.GetUtcNow());
        return new ClientMessage(encoded, transactionId, nonce, signerCertificate, signerKey);
    }

    /// <summary>
    /// Signs an envelope the test built or altered itself, with the attributes <see cref="PkiRequest.Write"/> adds
    /// (RFC 8894 §3.2.1): for envelopes the client side cannot produce, such as one naming an unsupported cipher.
    /// </summary>
    public ClientMessage SignEnvelope(MessageType messageType, byte[] envelope, Device device, string transactionId)
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(16);
        (string, byte[])[] attributes =
        [
            (Oids.ScepTransactionId, Printable(transactionId)),
            (Oids.ScepMessageType, Printable(((int)messageType).ToString(System.Globalization.CultureInfo.InvariantCulture))),
            (Oids.ScepSenderNonce, OctetString(nonce)),
        ];
        byte[] encoded = SignedDataWriter.WriteSigned(
            envelope, new CmsSigner(device.SelfSigned, device.Key, HashAlgorithmName.SHA256), attributes, time.GetUtcNow());
        return new ClientMessage(encoded, transactionId, nonce, device.SelfSigned, device.Key);
    }

    private static string NewTransactionId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private static byte[] Printable(string value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.PrintableString, value);
        return writer.Encode();
    }

    private static byte[] OctetString(byte[] value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(value);
        return writer.Encode();
    }
}

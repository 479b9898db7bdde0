using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep.Cms;

namespace CertBroker.Scep;

/// <summary>
/// The client side of SCEP: builds requests (RFC 8894 §3.3.1, §3.3.3, §3.3.4) and opens CertRep replies. The broker
/// uses it towards an upstream CA; tests and the load generator use it towards the broker.
/// </summary>
public static class PkiRequest
{
    /// <summary>Builds a signed pkiMessage whose messageData is <paramref name="content"/> enveloped for <paramref name="recipients"/>.</summary>
    public static byte[] Write(
        MessageType messageType,
        string transactionId,
        byte[] senderNonce,
        ReadOnlySpan<byte> content,
        IEnumerable<X509Certificate2> recipients,
        ContentEncryptionAlgorithm algorithm,
        CmsSigner signer,
        DateTimeOffset now)
    {
        byte[] envelope = EnvelopedDataWriter.Write(content, algorithm, recipients);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.PrintableString, transactionId);
        (string, byte[])[] attributes =
        [
            (Oids.ScepTransactionId, writer.Encode()),
            (Oids.ScepMessageType, CertRep.PrintableNumber((int)messageType)),
            (Oids.ScepSenderNonce, CertRep.OctetString(senderNonce)),
        ];
        return SignedDataWriter.WriteSigned(envelope, signer, attributes, now);
    }

    /// <summary>IssuerAndSubject, the content of CertPoll.</summary>
    public static byte[] IssuerAndSubject(X500DistinguishedName issuer, X500DistinguishedName subject)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(issuer.RawData);
            writer.WriteEncodedValue(subject.RawData);
        }

        return writer.Encode();
    }

    /// <summary>IssuerAndSerialNumber, the content of GetCert and GetCRL.</summary>
    public static byte[] IssuerAndSerialNumber(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        IssuerAndSerial.Of(certificate).Write(writer);
        return writer.Encode();
    }

    /// <summary>
    /// A transactionID as RFC 8894 §3.2.1.1 suggests: a hash of the public key, here SHA-256 in upper-case hex.
    /// </summary>
    public static string TransactionIdFor(byte[] subjectPublicKeyInfo) => Convert.ToHexString(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>Opens a CertRep: checks its signature, decrypts a SUCCESS with the client's key, returns what it carries.</summary>
    /// <exception cref="ScepFormatException">The reply does not parse.</exception>
    public static CertRepContent ReadReply(
        ReadOnlyMemory<byte> encoded, X509Certificate2 clientCertificate, RSA clientKey, IEnumerable<X509Certificate2>? knownSigners = null)
    {
        PkiMessage reply = PkiMessage.Read(encoded, knownSigners);
        if (reply.MessageType != MessageType.CertRep || reply.Status is null)
        {
            throw new ScepFormatException("The reply is not a CertRep.");
        }

        var certificates = new List<X509Certificate2>();
        var crls = new List<byte[]>();
        ContentEncryptionAlgorithm? algorithm = null;
        if (reply.Status == PkiStatus.Success)
        {
            DecryptedContent decrypted = reply.DecryptMessageData([(clientCertificate, clientKey)]);
            algorithm = decrypted.Algorithm;
            SignedDataContent degenerate = SignedDataReader.Read(decrypted.Content);
            certificates.AddRange(degenerate.Certificates.Select(c => X509CertificateLoader.LoadCertificate(c.Span)));
            crls.AddRange(degenerate.Crls.Select(c => c.ToArray()));
        }

        return new CertRepContent(reply, certificates, crls, algorithm);
    }
}

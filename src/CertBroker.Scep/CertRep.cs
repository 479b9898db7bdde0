using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep.Cms;

namespace CertBroker.Scep;

/// <summary>Builds CertRep messages (RFC 8894 §3.3.2) answering a request.</summary>
public static class CertRep
{
    /// <summary>
    /// SUCCESS: a degenerate SignedData with <paramref name="certificates"/> (and <paramref name="crls"/>),
    /// enveloped for the request's signer with <paramref name="algorithm"/>, signed by <paramref name="signer"/>.
    /// </summary>
    public static byte[] Success(
        PkiMessage request,
        CmsSigner signer,
        ContentEncryptionAlgorithm algorithm,
        IEnumerable<ReadOnlyMemory<byte>> certificates,
        IEnumerable<ReadOnlyMemory<byte>>? crls,
        DateTimeOffset now)
    {
        byte[] degenerate = SignedDataWriter.WriteDegenerate(certificates, crls);
        RSA recipientKey = request.SignerRsaKey
            ?? throw new ScepFailureException(FailInfo.BadAlg, "The signer's key is not RSA, so no reply can be encrypted for it.");
        byte[] envelope = EnvelopedDataWriter.Write(degenerate, algorithm, [(request.SignerCertificate.IssuerAndSerial, recipientKey)]);
        return Write(request, signer, PkiStatus.Success, null, envelope, now);
    }

    /// <summary>FAILURE with <paramref name="failInfo"/>; no messageData.</summary>
    public static byte[] Failure(PkiMessage request, CmsSigner signer, FailInfo failInfo, DateTimeOffset now) =>
        Write(request, signer, PkiStatus.Failure, failInfo, null, now);

    /// <summary>PENDING; the client polls with CertPoll or re-sends its request.</summary>
    public static byte[] Pending(PkiMessage request, CmsSigner signer, DateTimeOffset now) =>
        Write(request, signer, PkiStatus.Pending, null, null, now);

    private static byte[] Write(PkiMessage request, CmsSigner signer, PkiStatus status, FailInfo? failInfo, byte[]? messageData, DateTimeOffset now)
    {
        var attributes = new List<(string, byte[])>(6)
        {
            (Oids.ScepTransactionId, request.TransactionIdEncoded),
            (Oids.ScepMessageType, PrintableNumber((int)MessageType.CertRep)),
            (Oids.ScepPkiStatus, PrintableNumber((int)status)),
            (Oids.ScepSenderNonce, OctetString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))),
            (Oids.ScepRecipientNonce, OctetString(request.SenderNonce)),
        };
        if (failInfo is { } info)
        {
            attributes.Add((Oids.ScepFailInfo, PrintableNumber((int)info)));
        }

        // FAILURE and PENDING carry no pkcsPKIEnvelope (RFC 8894 §3.3.2), but an empty eContent rather than an absent
        // one: OpenSSL's PKCS7_verify, which certmonger uses, refuses a reply without content ("no content").
        return SignedDataWriter.WriteSigned(messageData ?? [], signer, attributes, now);
    }

    internal static byte[] PrintableNumber(int value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.PrintableString, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return writer.Encode();
    }

    internal static byte[] OctetString(ReadOnlySpan<byte> value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(value);
        return writer.Encode();
    }

    /// <summary>Reads the IssuerAndSubject content of a CertPoll (RFC 8894 §3.3.3).</summary>
    /// <exception cref="ScepFailureException">badRequest when it does not parse.</exception>
    public static (X500DistinguishedName Issuer, X500DistinguishedName Subject) ReadIssuerAndSubject(byte[] content)
    {
        try
        {
            AsnReader sequence = new AsnReader(content, AsnEncodingRules.BER).ReadSequence();
            var issuer = new X500DistinguishedName(sequence.ReadEncodedValue().Span);
            var subject = new X500DistinguishedName(sequence.ReadEncodedValue().Span);
            return (issuer, subject);
        }
        catch (Exception ex) when (ex is AsnContentException or System.Security.Cryptography.CryptographicException)
        {
            throw new ScepFailureException(FailInfo.BadRequest, "Malformed IssuerAndSubject.", ex);
        }
    }

    /// <summary>Reads the IssuerAndSerialNumber content of GetCert and GetCRL (RFC 8894 §3.3.4).</summary>
    /// <exception cref="ScepFailureException">badRequest when it does not parse.</exception>
    public static IssuerAndSerial ReadIssuerAndSerial(byte[] content)
    {
        try
        {
            return IssuerAndSerial.Read(new AsnReader(content, AsnEncodingRules.BER));
        }
        catch (AsnContentException ex)
        {
            throw new ScepFailureException(FailInfo.BadRequest, "Malformed IssuerAndSerialNumber.", ex);
        }
    }
}

using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Crypto;
using CertBroker.Scep.Cms;

namespace CertBroker.Scep;

/// <summary>
/// A decoded SCEP pkiMessage (RFC 8894 §3.2): the signed envelope with its authenticated attributes. The
/// messageData inside (pkcsPKIEnvelope) is still encrypted; see <see cref="DecryptMessageData"/>.
/// </summary>
public sealed class PkiMessage : IDisposable
{
    private AsymmetricAlgorithm? _signerKey;
    private X509Certificate2? _signer;

    /// <summary>The messageType number as sent; may be a value <see cref="Scep.MessageType"/> does not name.</summary>
    public required MessageType MessageType { get; init; }

    /// <summary>The longest transactionID accepted: certmonger's 77 decimal digits and SHA-256 hex fit with room to spare.</summary>
    public const int MaxTransactionIdLength = 256;

    public required string TransactionId { get; init; }

    /// <summary>The transactionID attribute value as encoded, echoed byte for byte in replies (RFC 8894 §3.2.1.1).</summary>
    public required byte[] TransactionIdEncoded { get; init; }

    public required byte[] SenderNonce { get; init; }

    public byte[]? RecipientNonce { get; init; }

    /// <summary>pkiStatus, present on CertRep.</summary>
    public PkiStatus? Status { get; init; }

    /// <summary>failInfo, present on a CertRep FAILURE.</summary>
    public FailInfo? FailInfo { get; init; }

    public DateTimeOffset? SigningTime { get; init; }

    /// <summary>The signer's certificate: a self-signed throwaway on a first request, the current certificate on a renewal.</summary>
    /// <exception cref="ScepFailureException">badMessageCheck when the certificate, read leniently for the signature
    /// check, does not load as a full certificate.</exception>
    public X509Certificate2 Signer => _signer ??= LoadSigner();

    /// <summary>The signer's certificate fields, read without loading a full certificate (the hot path uses these).</summary>
    public required CertificateFields SignerCertificate { get; init; }

    public required SignatureInfo Signature { get; init; }

    /// <summary>Whether the signature and message digest verified against <see cref="Signer"/>'s key.</summary>
    public required bool SignatureValid { get; init; }

    /// <summary>The pkcsPKIEnvelope (ContentInfo of EnvelopedData), or null when the message carries none.</summary>
    public byte[]? MessageData { get; init; }

    /// <summary>Every certificate in the SignedData certificates field.</summary>
    public required IReadOnlyList<ReadOnlyMemory<byte>> Certificates { get; init; }

    /// <summary>
    /// The signer's RSA public key, imported once: OpenSSL 3 key import costs several RSA public operations, and the
    /// same key checks the signature, may check the CSR and receives the reply's envelope.
    /// </summary>
    public RSA? SignerRsaKey => _signerKey as RSA;

    public void Dispose()
    {
        _signerKey?.Dispose();
        _signer?.Dispose();
    }

    private X509Certificate2 LoadSigner()
    {
        try
        {
            X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(SignerCertificate.RawData.Span);
            try
            {
                // The platform decodes validity lazily; a date it cannot decode would otherwise fail in a caller.
                _ = certificate.NotBefore;
                _ = certificate.NotAfter;
                return certificate;
            }
            catch (CryptographicException)
            {
                certificate.Dispose();
                throw;
            }
        }
        catch (CryptographicException ex)
        {
            // Found by fuzzing: CertificateFields accepts encodings the platform loader refuses; the message is
            // answered, so this is a FAILURE rather than an unhandled error.
            throw new ScepFailureException(Scep.FailInfo.BadMessageCheck, "The signer's certificate does not load.", ex);
        }
    }

    private static AsymmetricAlgorithm? ImportKey(CertificateFields certificate)
    {
        AsymmetricAlgorithm? key = null;
        try
        {
            switch (certificate.KeyAlgorithm)
            {
                case Oids.RsaEncryption:
                    key = OpenSslRsaPublicKey.Import(certificate.SubjectPublicKeyInfo.Span);
                    break;
                case Oids.EcPublicKey:
                    key = ECDsa.Create();
                    key.ImportSubjectPublicKeyInfo(certificate.SubjectPublicKeyInfo.Span, out _);
                    break;
            }

            return key;
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException)
        {
            // OpenSSL reports a named curve it does not have as PlatformNotSupportedException (found by fuzzing).
            key?.Dispose();
            return null;
        }
    }

    /// <summary>Decrypts the messageData with the first key a recipient names.</summary>
    /// <exception cref="ScepFailureException">badRequest when there is no messageData, badAlg or badMessageCheck from decryption.</exception>
    public DecryptedContent DecryptMessageData(IReadOnlyList<(X509Certificate2 Certificate, RSA Key)> keys)
    {
        if (MessageData is null)
        {
            throw new ScepFailureException(Scep.FailInfo.BadRequest, "The message carries no pkcsPKIEnvelope.");
        }

        EnvelopedDataContent envelope;
        try
        {
            envelope = EnvelopedDataReader.Read(MessageData);
        }
        catch (ScepFormatException ex)
        {
            // The outer message was signed by a known signer, so it can still be answered with a signed FAILURE.
            throw new ScepFailureException(Scep.FailInfo.BadMessageCheck, "Malformed pkcsPKIEnvelope.", ex);
        }

        return EnvelopedDataReader.Decrypt(envelope, keys);
    }

    /// <summary>Reads a DER or BER pkiMessage.</summary>
    /// <param name="encoded">The message.</param>
    /// <param name="knownSigners">Certificates to look for the signer in when the message does not carry it (some
    /// servers leave it out of CertRep and expect the client to know it from GetCACert).</param>
    /// <exception cref="ScepFormatException">The message does not parse, has no signer certificate or lacks a required attribute.</exception>
    public static PkiMessage Read(ReadOnlyMemory<byte> encoded, IEnumerable<X509Certificate2>? knownSigners = null)
    {
        SignedDataContent signedData = SignedDataReader.Read(encoded);
        if (signedData.Signers.Count != 1)
        {
            throw new ScepFormatException($"Expected one signer, found {signedData.Signers.Count}.");
        }

        SignerInfoData signer = signedData.Signers[0];
        CertificateFields signerCertificate = FindSignerCertificate(signedData, signer)
            ?? (knownSigners?.FirstOrDefault(c => Identifies(signer, c)) is { } known ? CertificateFields.TryRead(known.RawData) : null)
            ?? throw new ScepFormatException("The signer's certificate is not in the message.");

        try
        {
            byte[] transactionIdEncoded = RequiredValue(signer, Oids.ScepTransactionId).ToArray();
            string transactionId = Asn.ReadLenientString(new AsnReader(transactionIdEncoded, AsnEncodingRules.BER));
            if (transactionId.Length is 0 or > MaxTransactionIdLength)
            {
                // Stored with every transaction and named in the audit trail: a bound keeps both bounded.
                throw new ScepFormatException($"transactionID has {transactionId.Length} characters, not 1 to {MaxTransactionIdLength}.");
            }

            if (transactionId.AsSpan().IndexOfAnyInRange('\u0000', '\u001f') >= 0 || transactionId.Contains('\u007f', StringComparison.Ordinal))
            {
                // A key into every store and a value in logs: no database text type takes a NUL, and no client sends one.
                throw new ScepFormatException("transactionID holds a control character.");
            }

            string messageTypeText = Asn.ReadLenientString(Reader(RequiredValue(signer, Oids.ScepMessageType)));
            if (!int.TryParse(messageTypeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int messageType))
            {
                throw new ScepFormatException($"messageType '{messageTypeText}' is not a number.");
            }

            byte[] senderNonce = OptionalValue(signer, Oids.ScepSenderNonce) is { } nonce ? Reader(nonce).ReadOctetString() : [];
            byte[]? recipientNonce = OptionalValue(signer, Oids.ScepRecipientNonce) is { } rn ? Reader(rn).ReadOctetString() : null;
            PkiStatus? status = OptionalValue(signer, Oids.ScepPkiStatus) is { } ps ? (PkiStatus)ParseNumber(ps) : null;
            FailInfo? failInfo = OptionalValue(signer, Oids.ScepFailInfo) is { } fi ? (FailInfo)ParseNumber(fi) : null;
            DateTimeOffset? signingTime = OptionalValue(signer, Oids.SigningTime) is { } st ? ReadTime(Reader(st)) : null;

            SignatureInfo description = SignatureVerifier.Describe(signer);
            AsymmetricAlgorithm? key = ImportKey(signerCertificate);
            bool valid = SignatureVerifier.Verify(signer, signedData.Content ?? [], key);
            return new PkiMessage
            {
                _signerKey = key,
                MessageType = (MessageType)messageType,
                TransactionId = transactionId,
                TransactionIdEncoded = transactionIdEncoded,
                SenderNonce = senderNonce,
                RecipientNonce = recipientNonce,
                Status = status,
                FailInfo = failInfo,
                SigningTime = signingTime,
                SignerCertificate = signerCertificate,
                Signature = description,
                SignatureValid = valid,
                MessageData = signedData.Content is { Length: > 0 } ? signedData.Content : null,
                Certificates = signedData.Certificates,
            };
        }
        catch (AsnContentException ex)
        {
            throw new ScepFormatException("Malformed SCEP attribute.", ex);
        }
        catch (CryptographicException ex)
        {
            throw new ScepFormatException("Signature could not be checked.", ex);
        }
    }

    private static CertificateFields? FindSignerCertificate(SignedDataContent signedData, SignerInfoData signer)
    {
        foreach (ReadOnlyMemory<byte> encoded in signedData.Certificates)
        {
            // Other certificate choices (attribute certificates) or garbage are simply not our signer.
            if (CertificateFields.TryRead(encoded) is not { } certificate)
            {
                continue;
            }

            if (signer.IssuerAndSerial is { } issuerAndSerial ? issuerAndSerial.Matches(certificate) : IdentifiedByKeyId(signer, encoded))
            {
                return certificate;
            }
        }

        return null;
    }

    // The subjectKeyIdentifier form is rare in SCEP; reading the extension needs the full certificate.
    private static bool IdentifiedByKeyId(SignerInfoData signer, ReadOnlyMemory<byte> encoded)
    {
        try
        {
            using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(encoded.Span);
            return Identifies(signer, certificate);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool Identifies(SignerInfoData signer, X509Certificate2 certificate) =>
        signer.IssuerAndSerial is { } issuerAndSerial
            ? issuerAndSerial.Matches(certificate)
            : signer.SubjectKeyIdentifier is { } ski && SubjectKeyIdentifier.Matches(certificate, ski.Span);

    private static AsnReader Reader(ReadOnlyMemory<byte> value) => new(value, AsnEncodingRules.BER);

    private static ReadOnlyMemory<byte> RequiredValue(SignerInfoData signer, string oid) =>
        OptionalValue(signer, oid) ?? throw new ScepFormatException($"Required attribute {oid} is missing.");

    private static ReadOnlyMemory<byte>? OptionalValue(SignerInfoData signer, string oid) =>
        signer.FindAttribute(oid) is { Values.Count: > 0 } attribute ? attribute.Values[0] : (ReadOnlyMemory<byte>?)null;

    private static int ParseNumber(ReadOnlyMemory<byte> value)
    {
        string text = Asn.ReadLenientString(Reader(value));
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number)
            ? number
            : throw new ScepFormatException($"'{text}' is not a number.");
    }

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}

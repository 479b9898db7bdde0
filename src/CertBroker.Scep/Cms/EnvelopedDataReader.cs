using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Scep.Cms;

/// <summary>Reads and decrypts ContentInfo-wrapped EnvelopedData.</summary>
public static class EnvelopedDataReader
{
    public static EnvelopedDataContent Read(ReadOnlyMemory<byte> contentInfo)
    {
        try
        {
            AsnReader enveloped = ContentInfo.ReadContent(contentInfo, Oids.EnvelopedData);
            enveloped.ReadInteger();
            if (enveloped.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                enveloped.ReadEncodedValue(); // originatorInfo: certificates we have no use for.
            }

            var recipients = new List<KeyTransRecipient>();
            AsnReader recipientInfos = enveloped.ReadSetOf(skipSortOrderValidation: true);
            while (recipientInfos.HasData)
            {
                // Only ktri is a plain SEQUENCE; kari/kekri/pwri/ori are tagged and no SCEP client sends them.
                if (recipientInfos.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
                {
                    recipients.Add(ReadKeyTransRecipient(recipientInfos.ReadSequence()));
                }
                else
                {
                    recipientInfos.ReadEncodedValue();
                }
            }

            AsnReader encryptedContentInfo = enveloped.ReadSequence();
            encryptedContentInfo.ReadObjectIdentifier();
            AlgorithmIdentifier algorithm = Asn.ReadAlgorithmIdentifier(encryptedContentInfo);
            var encryptedContentTag = new Asn1Tag(TagClass.ContextSpecific, 0);
            if (!encryptedContentInfo.HasData)
            {
                throw new ScepFormatException("EnvelopedData has no encrypted content.");
            }

            byte[] encryptedContent = encryptedContentInfo.ReadOctetString(encryptedContentTag);
            return new EnvelopedDataContent(recipients, algorithm, encryptedContent);
        }
        catch (AsnContentException ex)
        {
            throw new ScepFormatException("Malformed EnvelopedData.", ex);
        }
    }

    /// <summary>
    /// Decrypts with the first of <paramref name="keys"/> that a recipient names (by issuer and serial or by subject key
    /// identifier). When no recipient names any of our certificates, each key is tried on each recipient: a client
    /// that re-encoded our issuer name still gets through.
    /// </summary>
    /// <exception cref="ScepFailureException">badAlg for unknown algorithms, badMessageCheck when nothing decrypts.</exception>
    public static DecryptedContent Decrypt(EnvelopedDataContent envelope, IReadOnlyList<(X509Certificate2 Certificate, RSA Key)> keys)
    {
        ContentEncryptionAlgorithm algorithm = ContentEncryptionAlgorithm.FromOid(envelope.ContentEncryptionAlgorithm.Oid);
        foreach ((X509Certificate2 certificate, RSA key) in keys)
        {
            foreach (KeyTransRecipient recipient in envelope.Recipients)
            {
                if (Names(recipient, certificate))
                {
                    return DecryptFor(envelope, algorithm, recipient, certificate, key)
                        ?? throw new ScepFailureException(FailInfo.BadMessageCheck, "Envelope addressed to us does not decrypt.");
                }
            }
        }

        foreach ((X509Certificate2 certificate, RSA key) in keys)
        {
            foreach (KeyTransRecipient recipient in envelope.Recipients)
            {
                DecryptedContent? decrypted = DecryptFor(envelope, algorithm, recipient, certificate, key);
                if (decrypted is not null)
                {
                    return decrypted;
                }
            }
        }

        throw new ScepFailureException(FailInfo.BadMessageCheck, "No recipient of the envelope can be decrypted with the RA keys.");
    }

    private static bool Names(KeyTransRecipient recipient, X509Certificate2 certificate)
    {
        if (recipient.IssuerAndSerial is { } issuerAndSerial)
        {
            return issuerAndSerial.Matches(certificate);
        }

        return recipient.SubjectKeyIdentifier is { } ski && SubjectKeyIdentifier.Matches(certificate, ski.Span);
    }

    private static DecryptedContent? DecryptFor(
        EnvelopedDataContent envelope, ContentEncryptionAlgorithm algorithm, KeyTransRecipient recipient, X509Certificate2 certificate, RSA key)
    {
        RSAEncryptionPadding padding = recipient.KeyEncryptionAlgorithm.Oid switch
        {
            Oids.RsaEncryption => RSAEncryptionPadding.Pkcs1,
            Oids.RsaesOaep => RSAEncryptionPadding.CreateOaep(Asn.RsaParametersHash(recipient.KeyEncryptionAlgorithm)),
            _ => throw new ScepFailureException(FailInfo.BadAlg, $"Unsupported key-encryption algorithm {recipient.KeyEncryptionAlgorithm.Oid}."),
        };

        if (recipient.EncryptedKey.Length != key.KeySize / 8)
        {
            return null;
        }

        byte[] contentKey;
        try
        {
            contentKey = key.Decrypt(recipient.EncryptedKey, padding);
        }
        catch (CryptographicException)
        {
            return null;
        }

        try
        {
            byte[] content = algorithm.Decrypt(contentKey, envelope.ContentEncryptionAlgorithm.Parameters, envelope.EncryptedContent);
            return new DecryptedContent(content, algorithm, certificate);
        }
        catch (CryptographicException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }


    private static KeyTransRecipient ReadKeyTransRecipient(AsnReader recipient)
    {
        recipient.ReadInteger();
        IssuerAndSerial? issuerAndSerial = null;
        ReadOnlyMemory<byte>? subjectKeyIdentifier = null;
        var skiTag = new Asn1Tag(TagClass.ContextSpecific, 0);
        if (recipient.PeekTag().HasSameClassAndValue(skiTag))
        {
            subjectKeyIdentifier = recipient.ReadOctetString(skiTag);
        }
        else
        {
            issuerAndSerial = IssuerAndSerial.Read(recipient);
        }

        AlgorithmIdentifier keyEncryption = Asn.ReadAlgorithmIdentifier(recipient);
        byte[] encryptedKey = recipient.ReadOctetString();
        return new KeyTransRecipient(issuerAndSerial, subjectKeyIdentifier, keyEncryption, encryptedKey);
    }
}

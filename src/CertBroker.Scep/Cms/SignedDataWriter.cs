using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Scep.Cms;

/// <summary>Writes ContentInfo-wrapped SignedData (RFC 5652 §5) in DER.</summary>
public static class SignedDataWriter
{
    /// <summary>
    /// Signs <paramref name="content"/> (absent when null) with signed attributes: contentType, messageDigest and
    /// signingTime are added here, followed by <paramref name="attributes"/> (each an OID and one encoded value).
    /// The signer's certificate and <paramref name="extraCertificates"/> go in the certificates field.
    /// </summary>
    public static byte[] WriteSigned(
        byte[]? content,
        CmsSigner signer,
        IEnumerable<(string Oid, byte[] Value)> attributes,
        DateTimeOffset signingTime,
        IEnumerable<X509Certificate2>? extraCertificates = null)
    {
        string digestOid = DigestAlgorithms.ToOid(signer.Digest);
        byte[] signedAttributes = EncodeSignedAttributes(content ?? [], signer.Digest, attributes, signingTime);
        byte[] signature = signer.Key.SignData(signedAttributes, signer.Digest, RSASignaturePadding.Pkcs1);

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            using (writer.PushSetOf())
            {
                Asn.WriteAlgorithmIdentifier(writer, digestOid);
            }

            WriteEncapsulatedContent(writer, content);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                writer.WriteEncodedValue(signer.Certificate.RawData);
                foreach (X509Certificate2 certificate in extraCertificates ?? [])
                {
                    writer.WriteEncodedValue(certificate.RawData);
                }
            }

            using (writer.PushSetOf())
            using (writer.PushSequence())
            {
                writer.WriteInteger(1);
                IssuerAndSerial.Of(signer.Certificate).Write(writer);
                Asn.WriteAlgorithmIdentifier(writer, digestOid);

                // Travels as [0] IMPLICIT; the signature covers the universal SET encoding.
                signedAttributes[0] = 0xA0;
                writer.WriteEncodedValue(signedAttributes);

                // rsaEncryption rather than shaXWithRSAEncryption: strongSwan accepts only this form, and every
                // other client we know accepts it too.
                Asn.WriteAlgorithmIdentifier(writer, Oids.RsaEncryption);
                writer.WriteOctetString(signature);
            }
        }

        return ContentInfo.Wrap(Oids.SignedData, writer.Encode());
    }

    /// <summary>A degenerate ("certs-only") SignedData: certificates and CRLs, no signers (RFC 8894 §3.4).</summary>
    public static byte[] WriteDegenerate(IEnumerable<ReadOnlyMemory<byte>> certificates, IEnumerable<ReadOnlyMemory<byte>>? crls = null)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            using (writer.PushSetOf())
            {
            }

            WriteEncapsulatedContent(writer, null);

            // Written as a tagged SEQUENCE so the order is kept: clients read the certificate order.
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                foreach (ReadOnlyMemory<byte> certificate in certificates)
                {
                    writer.WriteEncodedValue(certificate.Span);
                }
            }

            if (crls is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                {
                    foreach (ReadOnlyMemory<byte> crl in crls)
                    {
                        writer.WriteEncodedValue(crl.Span);
                    }
                }
            }

            using (writer.PushSetOf())
            {
            }
        }

        return ContentInfo.Wrap(Oids.SignedData, writer.Encode());
    }

    private static void WriteEncapsulatedContent(AsnWriter writer, byte[]? content)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.Data);
            if (content is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteOctetString(content);
                }
            }
        }
    }

    private static byte[] EncodeSignedAttributes(
        byte[] content, HashAlgorithmName digest, IEnumerable<(string Oid, byte[] Value)> attributes, DateTimeOffset signingTime)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSetOf())
        {
            WriteAttribute(writer, Oids.ContentType, w => w.WriteObjectIdentifier(Oids.Data));
            WriteAttribute(writer, Oids.MessageDigest, w => w.WriteOctetString(DigestAlgorithms.Hash(digest, content)));
            WriteAttribute(writer, Oids.SigningTime, w => w.WriteUtcTime(signingTime));
            foreach ((string oid, byte[] value) in attributes)
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(oid);
                    using (writer.PushSetOf())
                    {
                        writer.WriteEncodedValue(value);
                    }
                }
            }
        }

        return writer.Encode();
    }

    private static void WriteAttribute(AsnWriter writer, string oid, Action<AsnWriter> writeValue)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            using (writer.PushSetOf())
            {
                writeValue(writer);
            }
        }
    }
}

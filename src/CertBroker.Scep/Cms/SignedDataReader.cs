using System.Formats.Asn1;

namespace CertBroker.Scep.Cms;

/// <summary>
/// Reads ContentInfo-wrapped SignedData. BER is accepted (Apple sends indefinite lengths); anything that does not
/// parse becomes a <see cref="ScepFormatException"/>.
/// </summary>
public static class SignedDataReader
{
    public static SignedDataContent Read(ReadOnlyMemory<byte> contentInfo)
    {
        try
        {
            AsnReader signedData = ContentInfo.ReadContent(contentInfo, Oids.SignedData);
            signedData.ReadInteger();
            AsnReader digestAlgorithms = signedData.ReadSetOf(skipSortOrderValidation: true);
            while (digestAlgorithms.HasData)
            {
                digestAlgorithms.ReadEncodedValue();
            }

            AsnReader encapsulated = signedData.ReadSequence();
            string contentType = encapsulated.ReadObjectIdentifier();
            byte[]? content = null;
            if (encapsulated.HasData)
            {
                AsnReader explicitContent = encapsulated.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
                content = explicitContent.ReadOctetString();
            }

            var certificates = new List<ReadOnlyMemory<byte>>();
            var crls = new List<ReadOnlyMemory<byte>>();
            if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                ReadAll(signedData.ReadSetOf(skipSortOrderValidation: true, expectedTag: new Asn1Tag(TagClass.ContextSpecific, 0)), certificates);
            }

            if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1)))
            {
                ReadAll(signedData.ReadSetOf(skipSortOrderValidation: true, expectedTag: new Asn1Tag(TagClass.ContextSpecific, 1)), crls);
            }

            var signers = new List<SignerInfoData>();
            AsnReader signerInfos = signedData.ReadSetOf(skipSortOrderValidation: true);
            while (signerInfos.HasData)
            {
                signers.Add(ReadSignerInfo(signerInfos.ReadSequence()));
            }

            return new SignedDataContent
            {
                EncapsulatedContentType = contentType,
                Content = content,
                Certificates = certificates,
                Crls = crls,
                Signers = signers,
            };
        }
        catch (AsnContentException ex)
        {
            throw new ScepFormatException("Malformed SignedData.", ex);
        }
    }

    private static void ReadAll(AsnReader set, List<ReadOnlyMemory<byte>> into)
    {
        while (set.HasData)
        {
            into.Add(set.ReadEncodedValue());
        }
    }

    private static SignerInfoData ReadSignerInfo(AsnReader signerInfo)
    {
        signerInfo.ReadInteger();
        IssuerAndSerial? issuerAndSerial = null;
        ReadOnlyMemory<byte>? subjectKeyIdentifier = null;
        var skiTag = new Asn1Tag(TagClass.ContextSpecific, 0);
        if (signerInfo.PeekTag().HasSameClassAndValue(skiTag))
        {
            subjectKeyIdentifier = signerInfo.ReadOctetString(skiTag);
        }
        else
        {
            issuerAndSerial = IssuerAndSerial.Read(signerInfo);
        }

        AlgorithmIdentifier digestAlgorithm = Asn.ReadAlgorithmIdentifier(signerInfo);
        ReadOnlyMemory<byte> signedAttributesEncoded = ReadOnlyMemory<byte>.Empty;
        var attributes = new List<CmsAttribute>();
        var attributesTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (signerInfo.PeekTag() == attributesTag)
        {
            signedAttributesEncoded = signerInfo.PeekEncodedValue();
            AsnReader set = signerInfo.ReadSetOf(skipSortOrderValidation: true, expectedTag: attributesTag);
            while (set.HasData)
            {
                AsnReader attribute = set.ReadSequence();
                string oid = attribute.ReadObjectIdentifier();
                var values = new List<ReadOnlyMemory<byte>>();
                ReadAll(attribute.ReadSetOf(skipSortOrderValidation: true), values);
                attributes.Add(new CmsAttribute(oid, values));
            }
        }

        AlgorithmIdentifier signatureAlgorithm = Asn.ReadAlgorithmIdentifier(signerInfo);
        byte[] signature = signerInfo.ReadOctetString();
        return new SignerInfoData
        {
            IssuerAndSerial = issuerAndSerial,
            SubjectKeyIdentifier = subjectKeyIdentifier,
            DigestAlgorithm = digestAlgorithm,
            SignedAttributesEncoded = signedAttributesEncoded,
            SignedAttributes = attributes,
            SignatureAlgorithm = signatureAlgorithm,
            Signature = signature,
        };
    }
}

using System.Formats.Asn1;

namespace CertBroker.Scep.Cms;

/// <summary>One attribute of a SignerInfo, values kept encoded.</summary>
public sealed record CmsAttribute(string Oid, IReadOnlyList<ReadOnlyMemory<byte>> Values);

/// <summary>A SignerInfo (RFC 5652 §5.3) as sent.</summary>
public sealed record SignerInfoData
{
    /// <summary>The signer's IssuerAndSerialNumber, when the sid uses that form.</summary>
    public IssuerAndSerial? IssuerAndSerial { get; init; }

    /// <summary>The signer's subjectKeyIdentifier, when the sid uses that form.</summary>
    public ReadOnlyMemory<byte>? SubjectKeyIdentifier { get; init; }

    public required AlgorithmIdentifier DigestAlgorithm { get; init; }

    /// <summary>The signedAttrs field as received, starting with its [0] tag.</summary>
    public required ReadOnlyMemory<byte> SignedAttributesEncoded { get; init; }

    public required IReadOnlyList<CmsAttribute> SignedAttributes { get; init; }

    public required AlgorithmIdentifier SignatureAlgorithm { get; init; }

    public required byte[] Signature { get; init; }

    public CmsAttribute? FindAttribute(string oid)
    {
        foreach (CmsAttribute attribute in SignedAttributes)
        {
            if (attribute.Oid == oid)
            {
                return attribute;
            }
        }

        return null;
    }
}

/// <summary>A parsed SignedData (RFC 5652 §5.1).</summary>
public sealed record SignedDataContent
{
    public required string EncapsulatedContentType { get; init; }

    /// <summary>The eContent octets, or null when the content is absent (FAILURE, PENDING, degenerate).</summary>
    public byte[]? Content { get; init; }

    /// <summary>Certificates in the certificates field, DER as sent.</summary>
    public required IReadOnlyList<ReadOnlyMemory<byte>> Certificates { get; init; }

    /// <summary>CRLs in the crls field, DER as sent.</summary>
    public required IReadOnlyList<ReadOnlyMemory<byte>> Crls { get; init; }

    public required IReadOnlyList<SignerInfoData> Signers { get; init; }
}

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

/// <summary>ContentInfo (RFC 5652 §3).</summary>
public static class ContentInfo
{
    /// <summary>Checks the content type and returns a reader positioned inside the [0] EXPLICIT content.</summary>
    public static AsnReader ReadContent(ReadOnlyMemory<byte> encoded, string expectedContentType)
    {
        var reader = new AsnReader(encoded, AsnEncodingRules.BER);
        AsnReader contentInfo = reader.ReadSequence();
        string contentType = contentInfo.ReadObjectIdentifier();
        if (contentType != expectedContentType)
        {
            throw new AsnContentException($"Expected content type {expectedContentType}, found {contentType}.");
        }

        AsnReader explicitContent = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        return explicitContent.ReadSequence();
    }

    public static byte[] Wrap(string contentType, ReadOnlySpan<byte> encodedContent)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(contentType);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                writer.WriteEncodedValue(encodedContent);
            }
        }

        return writer.Encode();
    }
}

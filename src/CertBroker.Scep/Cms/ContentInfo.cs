using System.Formats.Asn1;

namespace CertBroker.Scep.Cms;

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

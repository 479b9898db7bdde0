using System.Formats.Asn1;
using System.Text;

namespace CertBroker.Scep.Cms;

/// <summary>Small ASN.1 helpers shared by the CMS readers and writers.</summary>
internal static class Asn
{
    public static AlgorithmIdentifier ReadAlgorithmIdentifier(AsnReader reader)
    {
        AsnReader sequence = reader.ReadSequence();
        string oid = sequence.ReadObjectIdentifier();
        ReadOnlyMemory<byte> parameters = sequence.HasData ? sequence.ReadEncodedValue() : ReadOnlyMemory<byte>.Empty;
        return new AlgorithmIdentifier(oid, parameters);
    }

    /// <summary>Writes an AlgorithmIdentifier; NULL parameters are written for the algorithms whose old parsers expect them.</summary>
    public static void WriteAlgorithmIdentifier(AsnWriter writer, string oid, bool nullParameters = true)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (nullParameters)
            {
                writer.WriteNull();
            }
        }
    }

    public static void WriteAlgorithmIdentifier(AsnWriter writer, string oid, ReadOnlySpan<byte> encodedParameters)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            writer.WriteEncodedValue(encodedParameters);
        }
    }

    /// <summary>
    /// Reads any universal character string without validating its alphabet: certmonger, for one, sends
    /// PrintableString values holding characters PrintableString does not allow.
    /// </summary>
    public static string ReadLenientString(AsnReader reader)
    {
        Asn1Tag tag = reader.PeekTag();
        if (tag.TagClass != TagClass.Universal || !IsCharacterString((UniversalTagNumber)tag.TagValue))
        {
            // Found by fuzzing: the reader's string methods throw ArgumentException for any other universal tag.
            throw new AsnContentException($"Expected a character string, found {tag}.");
        }

        if (reader.TryReadPrimitiveCharacterStringBytes(tag, out ReadOnlyMemory<byte> bytes))
        {
            return DecodeText((UniversalTagNumber)tag.TagValue, bytes.Span);
        }

        // Constructed (BER) strings are segmented like an OCTET STRING (X.690 §8.23.6); the reader only reassembles
        // segments under that tag, so the outer tag is rewritten (every string tag fits the one-byte form).
        byte[] encoded = reader.ReadEncodedValue().ToArray();
        encoded[0] = 0x24;
        byte[] buffer = new AsnReader(encoded, AsnEncodingRules.BER).ReadOctetString();
        return DecodeText((UniversalTagNumber)tag.TagValue, buffer);
    }

    private static bool IsCharacterString(UniversalTagNumber type) => type is UniversalTagNumber.UTF8String
        or UniversalTagNumber.NumericString or UniversalTagNumber.PrintableString or UniversalTagNumber.T61String
        or UniversalTagNumber.VideotexString or UniversalTagNumber.IA5String or UniversalTagNumber.GraphicString
        or UniversalTagNumber.VisibleString or UniversalTagNumber.GeneralString or UniversalTagNumber.UniversalString
        or UniversalTagNumber.BMPString;

    private static string DecodeText(UniversalTagNumber type, ReadOnlySpan<byte> bytes) => type switch
    {
        UniversalTagNumber.BMPString => Encoding.BigEndianUnicode.GetString(bytes),
        UniversalTagNumber.UniversalString => Encoding.UTF32.GetString(bytes),
        UniversalTagNumber.UTF8String => Encoding.UTF8.GetString(bytes),
        _ => IsUtf8(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes),
    };

    private static bool IsUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    /// <summary>
    /// The hashAlgorithm of RSASSA-PSS-params or RSAES-OAEP-params (RFC 4055 §3.1, §4.1): both start with
    /// hashAlgorithm [0], defaulting to SHA-1.
    /// </summary>
    /// <exception cref="ScepFailureException">badAlg when the parameters do not parse or name an unsupported hash.</exception>
    public static System.Security.Cryptography.HashAlgorithmName RsaParametersHash(AlgorithmIdentifier algorithm)
    {
        if (!algorithm.HasParameters)
        {
            return System.Security.Cryptography.HashAlgorithmName.SHA1;
        }

        try
        {
            AsnReader parameters = new AsnReader(algorithm.Parameters, AsnEncodingRules.BER).ReadSequence();
            var hashTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            return parameters.HasData && parameters.PeekTag().HasSameClassAndValue(hashTag)
                ? DigestAlgorithms.FromOid(ReadAlgorithmIdentifier(parameters.ReadSequence(hashTag)).Oid)
                : System.Security.Cryptography.HashAlgorithmName.SHA1;
        }
        catch (AsnContentException ex)
        {
            // Callers reach this from a CSR or a RecipientInfo, where an exception would escape as an HTTP 500.
            throw new ScepFailureException(FailInfo.BadAlg, $"Malformed parameters of {algorithm.Oid}.", ex);
        }
    }
}

/// <summary>The subjectKeyIdentifier form of a CMS signer or recipient identifier.</summary>
internal static class SubjectKeyIdentifier
{
    public static bool Matches(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, ReadOnlySpan<byte> identifier) =>
        certificate.Extensions[Oids.SubjectKeyIdentifierExtension] is System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension extension
        && extension.SubjectKeyIdentifierBytes.Span.SequenceEqual(identifier);
}

using System.Formats.Asn1;
using CertBroker.Scep;

namespace CertBroker.LoadGen;

/// <summary>
/// Reads messageType, pkiStatus and failInfo from a CertRep's signed attributes without loading a certificate,
/// importing a key or checking the signature: a walk over spans that allocates nothing, cheap enough to run for
/// every response inside the timed run. Nothing it returns is trusted: <see cref="ResponseInspector.Inspect"/>
/// checks every response properly once the clock has stopped.
/// </summary>
public static class CertRepPeek
{
    private static readonly byte[] SignedDataOid = OidContents(Oids.SignedData);
    private static readonly byte[] MessageTypeOid = OidContents(Oids.ScepMessageType);
    private static readonly byte[] PkiStatusOid = OidContents(Oids.ScepPkiStatus);
    private static readonly byte[] FailInfoOid = OidContents(Oids.ScepFailInfo);

    private static readonly Asn1Tag Explicit0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Explicit1 = new(TagClass.ContextSpecific, 1, isConstructed: true);

    /// <summary>False when the message is not a SignedData whose first signer carries a CertRep pkiStatus.</summary>
    public static bool TryRead(ReadOnlySpan<byte> pkiMessage, out PkiStatus status, out FailInfo? failInfo)
    {
        status = default;
        failInfo = null;
        try
        {
            // ContentInfo { contentType, [0] EXPLICIT SignedData } (RFC 5652 §3).
            ReadOnlySpan<byte> contentInfo = Enter(ref pkiMessage, Asn1Tag.Sequence);
            if (!Enter(ref contentInfo, Asn1Tag.ObjectIdentifier).SequenceEqual(SignedDataOid))
            {
                return false;
            }

            ReadOnlySpan<byte> explicitContent = Enter(ref contentInfo, Explicit0);
            ReadOnlySpan<byte> signedData = Enter(ref explicitContent, Asn1Tag.Sequence);

            // SignedData { version, digestAlgorithms, encapContentInfo, [0] certificates OPTIONAL, [1] crls OPTIONAL,
            // signerInfos } (RFC 5652 §5.1).
            Skip(ref signedData, 3);
            while (NextTag(signedData) is { } optional && (optional == Explicit0 || optional == Explicit1))
            {
                Skip(ref signedData, 1);
            }

            ReadOnlySpan<byte> signerInfos = Enter(ref signedData, Asn1Tag.SetOf);
            ReadOnlySpan<byte> signerInfo = Enter(ref signerInfos, Asn1Tag.Sequence);

            // SignerInfo { version, sid, digestAlgorithm, [0] IMPLICIT signedAttrs, ... } (RFC 5652 §5.3).
            Skip(ref signerInfo, 3);
            ReadOnlySpan<byte> attributes = Enter(ref signerInfo, Explicit0);
            int? messageType = null;
            int? pkiStatus = null;
            while (!attributes.IsEmpty)
            {
                ReadOnlySpan<byte> attribute = Enter(ref attributes, Asn1Tag.Sequence);
                ReadOnlySpan<byte> oid = Enter(ref attribute, Asn1Tag.ObjectIdentifier);
                ReadOnlySpan<byte> values = Enter(ref attribute, Asn1Tag.SetOf);
                if (oid.SequenceEqual(MessageTypeOid))
                {
                    messageType = Number(values);
                }
                else if (oid.SequenceEqual(PkiStatusOid))
                {
                    pkiStatus = Number(values);
                }
                else if (oid.SequenceEqual(FailInfoOid))
                {
                    failInfo = (FailInfo?)Number(values);
                }
            }

            // RFC 8894 §3.2.1.2 and §3.2.1.3: a CertRep always carries a pkiStatus.
            if (messageType != (int)MessageType.CertRep || pkiStatus is null)
            {
                return false;
            }

            status = (PkiStatus)pkiStatus.Value;
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    private static Asn1Tag? NextTag(ReadOnlySpan<byte> data) =>
        data.IsEmpty ? null : Asn1Tag.Decode(data, out _);

    /// <summary>The contents of the next element, which must have <paramref name="tag"/>; advances past it.</summary>
    private static ReadOnlySpan<byte> Enter(ref ReadOnlySpan<byte> data, Asn1Tag tag)
    {
        Asn1Tag actual = AsnDecoder.ReadEncodedValue(data, AsnEncodingRules.BER, out int offset, out int length, out int consumed);
        if (!actual.HasSameClassAndValue(tag))
        {
            throw new AsnContentException($"Expected {tag}, found {actual}.");
        }

        ReadOnlySpan<byte> contents = data.Slice(offset, length);
        data = data[consumed..];
        return contents;
    }

    private static void Skip(ref ReadOnlySpan<byte> data, int elements)
    {
        for (int i = 0; i < elements; i++)
        {
            AsnDecoder.ReadEncodedValue(data, AsnEncodingRules.BER, out _, out _, out int consumed);
            data = data[consumed..];
        }
    }

    // SCEP numbers are PrintableStrings of decimal digits (RFC 8894 §3.2.1.2); servers differ on the string type,
    // so any primitive value is read as ASCII digits.
    private static int? Number(ReadOnlySpan<byte> values)
    {
        if (values.IsEmpty)
        {
            return null;
        }

        AsnDecoder.ReadEncodedValue(values, AsnEncodingRules.BER, out int offset, out int length, out _);
        ReadOnlySpan<byte> digits = values.Slice(offset, length);
        if (digits.IsEmpty || digits.Length > 9)
        {
            return null;
        }

        int number = 0;
        foreach (byte digit in digits)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return null;
            }

            number = (number * 10) + (digit - '0');
        }

        return number;
    }

    private static byte[] OidContents(string oid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        byte[] encoded = writer.Encode();
        AsnDecoder.ReadEncodedValue(encoded, AsnEncodingRules.DER, out int offset, out int length, out _);
        return encoded.AsSpan(offset, length).ToArray();
    }
}

using System.Formats.Asn1;

namespace CertBroker.Scep.Cms;

/// <summary>IssuerAndSerialNumber (RFC 5652 §10.2.4), with both parts kept as sent.</summary>
public readonly record struct IssuerAndSerial(ReadOnlyMemory<byte> IssuerName, ReadOnlyMemory<byte> SerialNumber)
{
    public static IssuerAndSerial Read(AsnReader reader)
    {
        AsnReader sequence = reader.ReadSequence();
        ReadOnlyMemory<byte> issuer = sequence.ReadEncodedValue();
        ReadOnlyMemory<byte> serial = sequence.ReadIntegerBytes();
        return new IssuerAndSerial(issuer, serial);
    }

    public static IssuerAndSerial Of(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        new(certificate.IssuerName.RawData, certificate.SerialNumberBytes);

    public void Write(AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(IssuerName.Span);
            // Written as the certificate carries it, so a negative or padded serial still matches the recipient's cert.
            try
            {
                writer.WriteInteger(SerialNumber.Span);
            }
            catch (ArgumentException)
            {
                writer.WriteIntegerUnsigned(TrimSign(SerialNumber.Span));
            }
        }
    }

    public bool Matches(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        SerialEquals(SerialNumber.Span, certificate.SerialNumberBytes.Span)
        && IssuerName.Span.SequenceEqual(certificate.IssuerName.RawData);

    public bool Matches(CertificateFields certificate) =>
        SerialEquals(SerialNumber.Span, certificate.SerialNumber.Span) && IssuerName.Span.SequenceEqual(certificate.IssuerName.Span);

    /// <summary>Serial as lower-case hex of its unsigned big-endian value.</summary>
    public string SerialHex => Convert.ToHexStringLower(TrimSign(SerialNumber.Span));

    // INTEGER content may carry a leading 0x00 sign byte that X509Certificate2.SerialNumberBytes keeps too; compare
    // the unsigned magnitudes so both spellings match.
    private static bool SerialEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => TrimSign(a).SequenceEqual(TrimSign(b));

    internal static ReadOnlySpan<byte> TrimSign(ReadOnlySpan<byte> value)
    {
        while (value.Length > 1 && value[0] == 0)
        {
            value = value[1..];
        }

        return value;
    }
}

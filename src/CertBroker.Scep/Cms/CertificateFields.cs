using System.Formats.Asn1;

namespace CertBroker.Scep.Cms;

/// <summary>
/// The fields of an X.509 certificate that SCEP processing needs, read straight from the DER (RFC 5280 §4.1).
/// Loading a full X509Certificate2 costs as much as several RSA public-key operations, and a request's signer is
/// needed only for its names, serial and key.
/// </summary>
public sealed class CertificateFields
{
    private CertificateFields(
        ReadOnlyMemory<byte> rawData,
        ReadOnlyMemory<byte> serialNumber,
        ReadOnlyMemory<byte> issuerName,
        ReadOnlyMemory<byte> subjectName,
        ReadOnlyMemory<byte> subjectPublicKeyInfo,
        string keyAlgorithm)
    {
        RawData = rawData;
        SerialNumber = serialNumber;
        IssuerName = issuerName;
        SubjectName = subjectName;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        KeyAlgorithm = keyAlgorithm;
    }

    public ReadOnlyMemory<byte> RawData { get; }

    /// <summary>The serial's INTEGER content octets as encoded.</summary>
    public ReadOnlyMemory<byte> SerialNumber { get; }

    /// <summary>The issuer Name, DER as encoded.</summary>
    public ReadOnlyMemory<byte> IssuerName { get; }

    /// <summary>The subject Name, DER as encoded.</summary>
    public ReadOnlyMemory<byte> SubjectName { get; }

    public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    /// <summary>The SubjectPublicKeyInfo algorithm OID, e.g. rsaEncryption.</summary>
    public string KeyAlgorithm { get; }

    public IssuerAndSerial IssuerAndSerial => new(IssuerName, SerialNumber);

    /// <summary>Reads the fields, or returns null when <paramref name="encoded"/> is not an X.509 certificate.</summary>
    public static CertificateFields? TryRead(ReadOnlyMemory<byte> encoded)
    {
        try
        {
            var reader = new AsnReader(encoded, AsnEncodingRules.BER);
            ReadOnlyMemory<byte> raw = reader.PeekEncodedValue();
            AsnReader certificate = reader.ReadSequence();
            AsnReader tbs = certificate.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                tbs.ReadEncodedValue(); // version
            }

            ReadOnlyMemory<byte> serial = tbs.ReadIntegerBytes();
            tbs.ReadSequence(); // signature algorithm
            ReadOnlyMemory<byte> issuer = tbs.ReadEncodedValue();
            tbs.ReadSequence(); // validity
            ReadOnlyMemory<byte> subject = tbs.ReadEncodedValue();
            ReadOnlyMemory<byte> spki = tbs.PeekEncodedValue();
            AsnReader spkiReader = tbs.ReadSequence();
            string keyAlgorithm = Asn.ReadAlgorithmIdentifier(spkiReader).Oid;
            spkiReader.ReadBitString(out _);
            return new CertificateFields(raw, serial, issuer, subject, spki, keyAlgorithm);
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
}

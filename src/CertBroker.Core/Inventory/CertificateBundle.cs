using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CertBroker.Core.Inventory;

/// <summary>
/// Reads the certificates of an import: PEM (any number of CERTIFICATE or PKCS7 blocks), a DER certificate, or a
/// DER PKCS#7 "certs-only" bundle (RFC 2315 / RFC 5652 SignedData; its certificates field is all that is read).
/// </summary>
public static class CertificateBundle
{
    private const string SignedDataOid = "1.2.840.113549.1.7.2";

    /// <summary>The DER certificates in <paramref name="content"/>, in order.</summary>
    /// <exception cref="InvalidDataException">Nothing in it is a certificate, or a part of it does not parse.</exception>
    public static IReadOnlyList<byte[]> Read(ReadOnlySpan<byte> content)
    {
        var certificates = new List<byte[]>();
        try
        {
            string? text = LooksLikePem(content) ? Encoding.ASCII.GetString(content) : null;
            if (text is not null)
            {
                ReadPem(text, certificates);
            }
            else
            {
                ReadDer(content.ToArray(), certificates);
            }
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException or FormatException)
        {
            throw new InvalidDataException("The body is not a PEM, DER or PKCS#7 certificate bundle.", ex);
        }

        return certificates.Count > 0 ? certificates : throw new InvalidDataException("The body holds no certificate.");
    }

    private static bool LooksLikePem(ReadOnlySpan<byte> content) => content.IndexOf("-----BEGIN "u8) >= 0;

    private static void ReadPem(string text, List<byte[]> into)
    {
        ReadOnlySpan<char> rest = text;
        while (PemEncoding.TryFind(rest, out PemFields fields))
        {
            string label = rest[fields.Label].ToString();
            byte[] der = Convert.FromBase64String(rest[fields.Base64Data].ToString());
            switch (label)
            {
                case "CERTIFICATE" or "X509 CERTIFICATE" or "TRUSTED CERTIFICATE":
                    into.Add(Checked(der));
                    break;
                case "PKCS7" or "CMS":
                    ReadPkcs7(der, into);
                    break;
            }

            rest = rest[fields.Location.End..];
        }
    }

    private static void ReadDer(byte[] der, List<byte[]> into)
    {
        var reader = new AsnReader(der, AsnEncodingRules.BER);
        AsnReader outer = reader.ReadSequence();
        if (outer.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
        {
            ReadPkcs7(der, into);
        }
        else
        {
            into.Add(Checked(der));
        }
    }

    // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SignedData } (RFC 5652 §3, §5.1).
    private static void ReadPkcs7(byte[] der, List<byte[]> into)
    {
        AsnReader contentInfo = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        string type = contentInfo.ReadObjectIdentifier();
        if (type != SignedDataOid)
        {
            throw new FormatException($"PKCS#7 content type {type} is not signedData.");
        }

        AsnReader signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        signedData.ReadInteger();
        signedData.ReadSetOf(skipSortOrderValidation: true);
        signedData.ReadSequence();
        var certificatesTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (!signedData.HasData || !signedData.PeekTag().HasSameClassAndValue(certificatesTag))
        {
            return;
        }

        AsnReader certificates = signedData.ReadSetOf(skipSortOrderValidation: true, expectedTag: certificatesTag);
        while (certificates.HasData)
        {
            // Only plain certificates; attribute certificates and other choices carry nothing to track.
            if (certificates.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                into.Add(Checked(certificates.ReadEncodedValue().ToArray()));
            }
            else
            {
                certificates.ReadEncodedValue();
            }
        }
    }

    private static byte[] Checked(byte[] der)
    {
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(der);
        return certificate.RawData;
    }
}

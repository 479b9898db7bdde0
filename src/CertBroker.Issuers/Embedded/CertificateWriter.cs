using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Issuers.Embedded;

/// <summary>
/// Encodes and signs an X.509 v3 certificate (RFC 5280 §4.1) directly. CertificateRequest.Create would do the same but
/// then parse its own output into an X509Certificate2, which costs about half an RSA signature on every enrolment.
/// </summary>
internal static class CertificateWriter
{
    public const string SignatureAlgorithmName = "sha256RSA";

    private const string Sha256WithRsaOid = "1.2.840.113549.1.1.11";

    /// <summary>The DER certificate, signed with SHA-256 and RSA PKCS#1 v1.5.</summary>
    /// <param name="serial">Positive, minimally encoded big-endian serial.</param>
    public static byte[] Write(
        byte[] serial,
        X500DistinguishedName issuer,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        X500DistinguishedName subject,
        byte[] subjectPublicKeyInfo,
        IEnumerable<X509Extension> extensions,
        RSA issuerKey)
    {
        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                tbs.WriteInteger(2); // v3
            }

            tbs.WriteInteger(serial);
            WriteSignatureAlgorithm(tbs);
            tbs.WriteEncodedValue(issuer.RawData);
            using (tbs.PushSequence())
            {
                WriteTime(tbs, notBefore);
                WriteTime(tbs, notAfter);
            }

            tbs.WriteEncodedValue(subject.RawData);
            tbs.WriteEncodedValue(subjectPublicKeyInfo);
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true)))
            using (tbs.PushSequence())
            {
                foreach (X509Extension extension in extensions)
                {
                    using (tbs.PushSequence())
                    {
                        tbs.WriteObjectIdentifier(extension.Oid!.Value!);
                        if (extension.Critical)
                        {
                            tbs.WriteBoolean(true); // DEFAULT FALSE is omitted in DER
                        }

                        tbs.WriteOctetString(extension.RawData);
                    }
                }
            }
        }

        byte[] toBeSigned = tbs.Encode();
        byte[] signature = issuerKey.SignData(toBeSigned, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var certificate = new AsnWriter(AsnEncodingRules.DER);
        using (certificate.PushSequence())
        {
            certificate.WriteEncodedValue(toBeSigned);
            WriteSignatureAlgorithm(certificate);
            certificate.WriteBitString(signature);
        }

        return certificate.Encode();
    }

    private static void WriteSignatureAlgorithm(AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Sha256WithRsaOid);
            writer.WriteNull();
        }
    }

    // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
    private static void WriteTime(AsnWriter writer, DateTimeOffset value)
    {
        if (value.UtcDateTime.Year < 2050)
        {
            writer.WriteUtcTime(value);
        }
        else
        {
            writer.WriteGeneralizedTime(value, omitFractionalSeconds: true);
        }
    }
}

using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Model;

/// <summary>
/// The facts store records hold, derived from certificates and keys the same way by every writer. A signed certificate's
/// whole record is made by <c>Backends.IssuedCertificate.ToRecord</c>, which knows the issuer's types.
/// </summary>
public static class CertificateRecords
{
    /// <summary>Serial as lower-case hex of its unsigned value (no leading zero bytes): the store's key.</summary>
    public static string SerialHex(ReadOnlySpan<byte> serialBigEndian)
    {
        while (serialBigEndian.Length > 1 && serialBigEndian[0] == 0)
        {
            serialBigEndian = serialBigEndian[1..];
        }

        return Convert.ToHexStringLower(serialBigEndian);
    }

    /// <summary>SANs as OpenSSL prints them: "DNS:name", "IP Address:addr", "email:…", "URI:…"; none for null.</summary>
    public static string[] SubjectAlternativeNames(X509Extension? subjectAlternativeName) =>
        subjectAlternativeName is null ? [] : Format(subjectAlternativeName);

    private static string[] Format(X509Extension subjectAlternativeName) =>
        subjectAlternativeName.Format(multiLine: false).Split(", ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Algorithm and size read from the encoded key: importing it into OpenSSL only to ask its size costs as much as
    /// several RSA public-key operations.
    /// </summary>
    public static (string Algorithm, int Size) KeyOf(PublicKey key)
    {
        try
        {
            switch (key.Oid.Value)
            {
                case "1.2.840.113549.1.1.1":
                    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1)
                    AsnReader sequence = new AsnReader(key.EncodedKeyValue.RawData, AsnEncodingRules.BER).ReadSequence();
                    ReadOnlySpan<byte> modulus = sequence.ReadIntegerBytes().Span;
                    while (modulus.Length > 1 && modulus[0] == 0)
                    {
                        modulus = modulus[1..];
                    }

                    return ("RSA", modulus.IsEmpty ? 0 : ((modulus.Length - 1) * 8) + 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)modulus[0]));
                case "1.2.840.10045.2.1":
                    string curve = new AsnReader(key.EncodedParameters?.RawData ?? [], AsnEncodingRules.BER).ReadObjectIdentifier();
                    return ("EC", CurveSizes.GetValueOrDefault(curve));
                case "1.2.840.10040.4.1":
                    return ("DSA", 0);
                default:
                    return (key.Oid.FriendlyName ?? key.Oid.Value ?? "unknown", 0);
            }
        }
        catch (AsnContentException)
        {
            return (key.Oid.FriendlyName ?? key.Oid.Value ?? "unknown", 0);
        }
    }

    private static readonly Dictionary<string, int> CurveSizes = new()
    {
        ["1.2.840.10045.3.1.7"] = 256, // P-256
        ["1.3.132.0.34"] = 384, // P-384
        ["1.3.132.0.35"] = 521, // P-521
        ["1.3.132.0.10"] = 256, // secp256k1
        ["1.3.36.3.3.2.8.1.1.7"] = 256, // brainpoolP256r1
        ["1.3.36.3.3.2.8.1.1.11"] = 384, // brainpoolP384r1
        ["1.3.36.3.3.2.8.1.1.13"] = 512, // brainpoolP512r1
    };
}

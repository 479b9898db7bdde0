using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Scep.Cms;

/// <summary>Whether a certificate's signature (RFC 5280 §4.1.1.3) verifies with an issuer's public key.</summary>
public static class CertificateSignature
{
    /// <param name="certificate">The DER certificate.</param>
    /// <param name="issuer">The CA certificate whose key should have signed it.</param>
    /// <returns>False for a certificate that does not parse, an algorithm that is not RSA (PKCS#1 v1.5 or PSS) or ECDSA
    /// with SHA-2 or SHA-1, or a signature that does not verify.</returns>
    public static bool IsSignedBy(ReadOnlyMemory<byte> certificate, X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        try
        {
            var reader = new AsnReader(certificate, AsnEncodingRules.DER);
            AsnReader sequence = reader.ReadSequence();
            ReadOnlyMemory<byte> tbs = sequence.ReadEncodedValue();
            AlgorithmIdentifier algorithm = Asn.ReadAlgorithmIdentifier(sequence);
            byte[] signature = sequence.ReadBitString(out int unused);
            if (unused != 0 || sequence.HasData || reader.HasData)
            {
                return false;
            }

            if (DigestAlgorithms.FromSignatureOid(algorithm.Oid) == Oids.Md5)
            {
                return false;
            }

            using AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)issuer.GetECDsaPublicKey() ?? issuer.GetRSAPublicKey();
            return SignedDataCheck.Verify(algorithm, tbs.Span, signature, key);
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}

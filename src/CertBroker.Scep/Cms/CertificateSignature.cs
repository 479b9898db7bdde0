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

            if (algorithm.Oid == Oids.RsassaPss)
            {
                using RSA? pssKey = issuer.GetRSAPublicKey();
                return pssKey is not null && pssKey.VerifyData(tbs.Span, signature, Asn.RsaParametersHash(algorithm), RSASignaturePadding.Pss);
            }

            if (DigestAlgorithms.FromSignatureOid(algorithm.Oid) is not { } digestOid || digestOid is Oids.Md5 or Oids.Sha224)
            {
                return false;
            }

            HashAlgorithmName hash = DigestAlgorithms.FromOid(digestOid);
            using ECDsa? ecdsa = issuer.GetECDsaPublicKey();
            if (ecdsa is not null)
            {
                return ecdsa.VerifyData(tbs.Span, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
            }

            using RSA? rsa = issuer.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(tbs.Span, signature, hash, RSASignaturePadding.Pkcs1);
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}

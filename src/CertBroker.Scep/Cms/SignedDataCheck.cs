using System.Security.Cryptography;

namespace CertBroker.Scep.Cms;

/// <summary>
/// Verifies an X.509-style signature (a certificate's or a CSR's): RSA with PKCS#1 v1.5 or PSS, or ECDSA, with the
/// digest the signature algorithm names. SHA-224 and unknown algorithms never verify.
/// </summary>
internal static class SignedDataCheck
{
    /// <param name="algorithm">The signatureAlgorithm.</param>
    /// <param name="data">What was signed (a tbsCertificate, a certificationRequestInfo).</param>
    /// <param name="signature">The signature value.</param>
    /// <param name="key">The signer's public key, RSA or ECDSA; null never verifies.</param>
    public static bool Verify(AlgorithmIdentifier algorithm, ReadOnlySpan<byte> data, byte[] signature, AsymmetricAlgorithm? key)
    {
        if (algorithm.Oid == Oids.RsassaPss)
        {
            return key is RSA pss && pss.VerifyData(data, signature, Asn.RsaParametersHash(algorithm), RSASignaturePadding.Pss);
        }

        if (DigestAlgorithms.FromSignatureOid(algorithm.Oid) is not { } digestOid || digestOid == Oids.Sha224)
        {
            return false;
        }

        HashAlgorithmName hash = DigestAlgorithms.FromOid(digestOid);
        return key switch
        {
            ECDsa ecdsa => ecdsa.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence),
            RSA rsa => rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1),
            _ => false,
        };
    }
}

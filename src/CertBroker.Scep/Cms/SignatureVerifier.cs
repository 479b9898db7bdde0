using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Scep.Cms;

/// <summary>Verifies a SignerInfo (RFC 5652 §5.4, §5.6) against the signer's certificate.</summary>
public static class SignatureVerifier
{
    /// <summary>Describes the signature algorithm without verifying it.</summary>
    /// <exception cref="ScepFailureException">badAlg for algorithms we do not accept.</exception>
    public static SignatureInfo Describe(SignerInfoData signer)
    {
        HashAlgorithmName digest = DigestAlgorithms.FromOid(signer.DigestAlgorithm.Oid);
        string oid = signer.SignatureAlgorithm.Oid;
        string scheme = oid switch
        {
            Oids.RsassaPss => "RSA-PSS",
            Oids.RsaEncryption or Oids.Sha1WithRsa or Oids.Sha256WithRsa or Oids.Sha384WithRsa
                or Oids.Sha512WithRsa or Oids.Md5WithRsa or Oids.Sha224WithRsa => "RSA-PKCS1",
            Oids.EcdsaWithSha1 or Oids.EcdsaWithSha256 or Oids.EcdsaWithSha384 or Oids.EcdsaWithSha512 => "ECDSA",
            _ => throw new ScepFailureException(FailInfo.BadAlg, $"Unsupported signature algorithm {oid}."),
        };
        return new SignatureInfo(digest, scheme);
    }

    /// <summary>Returns true when the signature and the messageDigest attribute both check out.</summary>
    /// <param name="signer">The SignerInfo.</param>
    /// <param name="content">The encapsulated content.</param>
    /// <param name="key">The signer's public key, RSA or ECDSA; null (no usable key) never verifies.</param>
    /// <exception cref="ScepFailureException">badAlg for algorithms we do not accept.</exception>
    public static bool Verify(SignerInfoData signer, ReadOnlySpan<byte> content, AsymmetricAlgorithm? key)
    {
        SignatureInfo description = Describe(signer);
        byte[] signedBytes;
        if (signer.SignedAttributesEncoded.IsEmpty)
        {
            signedBytes = content.ToArray();
        }
        else
        {
            CmsAttribute? messageDigest = signer.FindAttribute(Oids.MessageDigest);
            if (messageDigest is null || messageDigest.Values.Count != 1)
            {
                return false;
            }

            byte[] expected = DigestAlgorithms.Hash(description.Digest, content);
            byte[] declared = new AsnReader(messageDigest.Values[0], AsnEncodingRules.BER).ReadOctetString();
            if (!CryptographicOperations.FixedTimeEquals(expected, declared))
            {
                return false;
            }

            signedBytes = SignedAttributesForVerification(signer);
        }

        return (description.Scheme, key) switch
        {
            ("ECDSA", ECDsa ecdsa) => ecdsa.VerifyData(signedBytes, signer.Signature, description.Digest, DSASignatureFormat.Rfc3279DerSequence),
            ("RSA-PSS", RSA rsa) => rsa.VerifyData(signedBytes, signer.Signature, Asn.RsaParametersHash(signer.SignatureAlgorithm), RSASignaturePadding.Pss),
            ("RSA-PKCS1", RSA rsa) => rsa.VerifyData(signedBytes, signer.Signature, description.Digest, RSASignaturePadding.Pkcs1),
            _ => false,
        };
    }


    /// <summary>
    /// The signature covers the DER encoding of signedAttrs with the universal SET tag (RFC 5652 §5.4), not the
    /// [0] IMPLICIT tag it travels under. A BER-encoded set (indefinite length) is re-encoded as DER first.
    /// </summary>
    private static byte[] SignedAttributesForVerification(SignerInfoData signer)
    {
        ReadOnlySpan<byte> encoded = signer.SignedAttributesEncoded.Span;
        if (encoded.Length > 1 && encoded[1] != 0x80)
        {
            byte[] copy = encoded.ToArray();
            copy[0] = 0x31;
            return copy;
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSetOf())
        {
            foreach (CmsAttribute attribute in signer.SignedAttributes)
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(attribute.Oid);
                    using (writer.PushSetOf())
                    {
                        foreach (ReadOnlyMemory<byte> value in attribute.Values)
                        {
                            writer.WriteEncodedValue(value.Span);
                        }
                    }
                }
            }
        }

        return writer.Encode();
    }
}

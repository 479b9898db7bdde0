using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;

namespace CertBroker.Core.Names;

/// <summary>A request's public key imported and exported again, so the certificate carries the broker's encoding of it.</summary>
public static class PublicKeys
{
    /// <exception cref="ScepFailureException">badAlg for a key that is neither RSA nor EC, or does not import.</exception>
    public static PublicKey Reencode(CertificationRequest csr)
    {
        ArgumentNullException.ThrowIfNull(csr);
        try
        {
            PublicKey key = csr.GetPublicKey();
            switch (key.Oid.Value)
            {
                case Oids.RsaEncryption:
                    // Written by hand: importing the key into OpenSSL and exporting it again costs about 0.2 ms, a
                    // large share of an enrolment; reading and writing two INTEGERs costs microseconds.
                    return PublicKey.CreateFromSubjectPublicKeyInfo(RsaSubjectPublicKeyInfo(csr.SubjectPublicKeyInfo), out _);

                case Oids.EcPublicKey:
                    using (ECDsa ecdsa = ECDsa.Create())
                    {
                        ecdsa.ImportSubjectPublicKeyInfo(csr.SubjectPublicKeyInfo, out _);
                        if (!ecdsa.ExportParameters(includePrivateParameters: false).Curve.IsNamed)
                        {
                            throw new ScepFailureException(FailInfo.BadAlg, "An EC key with explicit curve parameters is not issued.");
                        }

                        return PublicKey.CreateFromSubjectPublicKeyInfo(ecdsa.ExportSubjectPublicKeyInfo(), out _);
                    }

                default:
                    throw new ScepFailureException(FailInfo.BadAlg, $"Public key algorithm {key.Oid.Value} is not issued.");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException)
        {
            // OpenSSL reports a named curve it does not have as PlatformNotSupportedException.
            throw new ScepFailureException(FailInfo.BadAlg, "The public key in the certification request does not import.", ex);
        }
    }

    /// <summary>An RSA SubjectPublicKeyInfo (RFC 8017 §A.1.1) read and written again in DER, its numbers checked.</summary>
    /// <exception cref="CryptographicException">Not an RSA public key the broker would issue for.</exception>
    private static byte[] RsaSubjectPublicKeyInfo(byte[] encoded)
    {
        try
        {
            var reader = new AsnReader(encoded, AsnEncodingRules.BER);
            AsnReader info = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            AsnReader algorithm = info.ReadSequence();
            if (algorithm.ReadObjectIdentifier() != Oids.RsaEncryption)
            {
                throw new CryptographicException("Not an RSA key.");
            }

            if (algorithm.HasData)
            {
                algorithm.ReadNull();
            }

            algorithm.ThrowIfNotEmpty();
            byte[] bits = info.ReadBitString(out int unused);
            info.ThrowIfNotEmpty();
            var keyReader = new AsnReader(bits, AsnEncodingRules.BER);
            AsnReader key = keyReader.ReadSequence();
            keyReader.ThrowIfNotEmpty();
            BigInteger modulus = key.ReadInteger();
            BigInteger exponent = key.ReadInteger();
            key.ThrowIfNotEmpty();
            long modulusBits = modulus.GetBitLength();
            if (unused != 0 || modulus.Sign <= 0 || modulus.IsEven || modulusBits is < 512 or > 16384 || exponent < 3 || exponent.IsEven || exponent >= modulus)
            {
                throw new CryptographicException("The RSA public key's numbers are not a usable key.");
            }

            var rsaKey = new AsnWriter(AsnEncodingRules.DER);
            using (rsaKey.PushSequence())
            {
                rsaKey.WriteInteger(modulus);
                rsaKey.WriteInteger(exponent);
            }

            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Oids.RsaEncryption);
                    writer.WriteNull();
                }

                writer.WriteBitString(rsaKey.Encode());
            }

            return writer.Encode();
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("The RSA public key does not decode.", ex);
        }
    }
}

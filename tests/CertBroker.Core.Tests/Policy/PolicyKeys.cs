using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using CertBroker.Core.Policy;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace CertBroker.Core.Tests.Policy;

/// <summary>
/// Builds the weak keys the rules must catch, from real primes: RSA public keys from a chosen modulus and exponent,
/// close primes, shared primes, a small factor, and a modulus with Infineon RSALib's structure (ROCA).
/// </summary>
internal static class PolicyKeys
{
    private static readonly SecureRandom Random = new();

    /// <summary>DER SubjectPublicKeyInfo of the RSA key (n, e) (RFC 8017 §A.1.1 inside RFC 5280's SPKI).</summary>
    public static byte[] RsaSpki(BigInteger n, BigInteger e)
    {
        var key = new AsnWriter(AsnEncodingRules.DER);
        using (key.PushSequence())
        {
            key.WriteInteger(n);
            key.WriteInteger(e);
        }

        var spki = new AsnWriter(AsnEncodingRules.DER);
        using (spki.PushSequence())
        {
            using (spki.PushSequence())
            {
                spki.WriteObjectIdentifier("1.2.840.113549.1.1.1");
                spki.WriteNull();
            }

            spki.WriteBitString(key.Encode());
        }

        return spki.Encode();
    }

    public static PolicySubject Rsa(BigInteger n, int e = 65537) => PolicySubject.ForRequest(RsaSpki(n, e));

    /// <summary>A random prime of exactly <paramref name="bits"/> bits.</summary>
    public static BigInteger Prime(int bits) => FromBc(new BcBigInteger(bits, 40, Random));

    /// <summary>The smallest probable prime above <paramref name="start"/>.</summary>
    public static BigInteger NextPrime(BigInteger start) => FromBc(ToBc(start).NextProbablePrime());

    /// <summary>A modulus of two random primes of <paramref name="bits"/>/2 bits each.</summary>
    public static BigInteger Modulus(int bits) => Prime(bits / 2) * Prime(bits - (bits / 2));

    /// <summary>A modulus of two random primes whose product has exactly <paramref name="bits"/> bits.</summary>
    public static BigInteger ModulusOfExactly(int bits)
    {
        while (true)
        {
            BigInteger n = Prime(bits / 2) * Prime((bits + 1) / 2);
            if (n.GetBitLength() == bits)
            {
                return n;
            }
        }
    }

    /// <summary>
    /// p = k·M + (65537^a mod M), the structure the ROCA paper describes for RSALib, with M the product of the
    /// primes 2 to 167; k and a random.
    /// </summary>
    public static BigInteger RocaPrime(int bits)
    {
        BcBigInteger m = RocaFingerprint.Primes.Aggregate(BcBigInteger.One, (product, p) => product.Multiply(BcBigInteger.ValueOf(p)));
        BcBigInteger generator = BcBigInteger.ValueOf(65537);
        while (true)
        {
            BcBigInteger k = new BcBigInteger(bits - m.BitLength, Random).SetBit(bits - m.BitLength - 1);
            BcBigInteger a = new BcBigInteger(m.BitLength, Random);
            BcBigInteger candidate = k.Multiply(m).Add(generator.ModPow(a, m));
            if (candidate.IsProbablePrime(40))
            {
                return FromBc(candidate);
            }
        }
    }

    /// <summary>A .NET RSA key pair with the given primes and e = 65537, for signed requests with a crafted key.</summary>
    public static RSA RsaKey(BigInteger p, BigInteger q)
    {
        BigInteger e = 65537;
        BigInteger n = p * q;
        BigInteger phi = (p - 1) * (q - 1);
        BigInteger d = ModInverse(e, phi);
        int size = (int)((n.GetBitLength() + 7) / 8);
        int half = (size + 1) / 2;
        var parameters = new RSAParameters
        {
            Modulus = Bytes(n, size),
            Exponent = Bytes(e, 3),
            D = Bytes(d, size),
            P = Bytes(p, half),
            Q = Bytes(q, half),
            DP = Bytes(d % (p - 1), half),
            DQ = Bytes(d % (q - 1), half),
            InverseQ = Bytes(ModInverse(q, p), half),
        };
        return RSA.Create(parameters);
    }

    /// <summary>
    /// A PKCS#10 request signed with <paramref name="algorithm"/> ("MD5WITHRSA", "SHA1WITHRSA"): .NET refuses to
    /// sign with those, BouncyCastle still does, as old device firmware does.
    /// </summary>
    public static byte[] Csr(RSA key, string subject, string algorithm, string? challenge = null)
    {
        AsymmetricCipherKeyPair pair = DotNetUtilities.GetRsaKeyPair(key);
        Asn1Set? attributes = challenge is null
            ? null
            : new DerSet(new AttributePkcs(PkcsObjectIdentifiers.Pkcs9AtChallengePassword, new DerSet(new DerPrintableString(challenge))));
        return new Pkcs10CertificationRequest(algorithm, new X509Name(subject), pair.Public, attributes, pair.Private).GetEncoded();
    }

    /// <summary>A certificate for <paramref name="key"/> signed by itself with <paramref name="algorithm"/>.</summary>
    public static X509Certificate2 Certificate(RSA key, string subject, string issuer, string algorithm, int days = 100)
    {
        AsymmetricCipherKeyPair pair = DotNetUtilities.GetRsaKeyPair(key);
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(BcBigInteger.ValueOf(7));
        generator.SetIssuerDN(new X509Name(issuer));
        generator.SetSubjectDN(new X509Name(subject));
        generator.SetNotBefore(DateTime.UtcNow.AddDays(-1));
        generator.SetNotAfter(DateTime.UtcNow.AddDays(days - 1));
        generator.SetPublicKey(pair.Public);
        return X509CertificateLoader.LoadCertificate(generator.Generate(new Asn1SignatureFactory(algorithm, pair.Private)).GetEncoded());
    }

    private static BigInteger ModInverse(BigInteger value, BigInteger modulus) => FromBc(ToBc(value).ModInverse(ToBc(modulus)));

    private static byte[] Bytes(BigInteger value, int length)
    {
        byte[] raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        byte[] padded = new byte[length];
        raw.CopyTo(padded, length - raw.Length);
        return padded;
    }

    private static BigInteger FromBc(BcBigInteger value) => new(value.ToByteArrayUnsigned(), isUnsigned: true, isBigEndian: true);

    private static BcBigInteger ToBc(BigInteger value) => new(1, value.ToByteArray(isUnsigned: true, isBigEndian: true));
}

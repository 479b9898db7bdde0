using System.Security.Cryptography;
namespace CertBroker.Crypto.Tests;

public sealed class OpenSslRsaPublicKeyTests
{
    private static readonly RSA Private = RSA.Create(2048);

    private static RSA PublicKey() => OpenSslRsaPublicKey.Import(Private.ExportSubjectPublicKeyInfo());

    [Theory]
    [InlineData("SHA256")]
    [InlineData("SHA1")]
    [InlineData("SHA384")]
    [InlineData("SHA512")]
    [InlineData("MD5")]
    public void VerifiesPkcs1SignaturesAndRejectsAlteredOnes(string hashName)
    {
        var hash = new HashAlgorithmName(hashName);
        byte[] data = "pkiMessage signed attributes"u8.ToArray();
        byte[] signature = Private.SignData(data, hash, RSASignaturePadding.Pkcs1);
        using RSA key = PublicKey();

        Assert.True(key.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1));
        signature[^1] ^= 1;
        Assert.False(key.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1));
        Assert.False(key.VerifyData("other data"u8.ToArray(), Private.SignData(data, hash, RSASignaturePadding.Pkcs1), hash, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void AFailedCheckLeavesNoErrorBehindForLaterOperations()
    {
        using RSA key = PublicKey();
        byte[] data = [1, 2, 3];
        Assert.False(key.VerifyData(data, new byte[256], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        // .NET's own OpenSSL calls on this thread must still succeed.
        byte[] signature = Private.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.True(Private.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.True(key.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void VerifiesPssThroughTheFallback()
    {
        byte[] data = [9, 8, 7];
        byte[] signature = Private.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        using RSA key = PublicKey();
        Assert.True(key.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        signature[0] ^= 0x40;
        Assert.False(key.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
    }

    [Fact]
    public void EncryptsForThePrivateKeyWithPkcs1AndOaep()
    {
        byte[] contentKey = RandomNumberGenerator.GetBytes(32);
        using RSA key = PublicKey();

        byte[] pkcs1 = key.Encrypt(contentKey, RSAEncryptionPadding.Pkcs1);
        Assert.Equal(256, pkcs1.Length);
        Assert.Equal(contentKey, Private.Decrypt(pkcs1, RSAEncryptionPadding.Pkcs1));
        Assert.NotEqual(pkcs1, key.Encrypt(contentKey, RSAEncryptionPadding.Pkcs1));
        Assert.Equal(contentKey, Private.Decrypt(key.Encrypt(contentKey, RSAEncryptionPadding.OaepSHA256), RSAEncryptionPadding.OaepSHA256));
        Assert.Throws<CryptographicException>(() => key.Encrypt(new byte[246], RSAEncryptionPadding.Pkcs1));
    }

    [Fact]
    public void ExportsThePublicPartOnlyAndRefusesPrivateOperations()
    {
        using RSA key = PublicKey();
        RSAParameters expected = Private.ExportParameters(false);
        RSAParameters exported = key.ExportParameters(false);

        Assert.Equal(2048, key.KeySize);
        Assert.Equal(expected.Modulus, exported.Modulus);
        Assert.Equal(expected.Exponent, exported.Exponent);
        Assert.Equal(Private.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
        Assert.Throws<CryptographicException>(() => key.ExportParameters(true));
        Assert.Throws<CryptographicException>(() => key.SignHash(new byte[32], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.Throws<CryptographicException>(() => key.Decrypt(new byte[256], RSAEncryptionPadding.Pkcs1));
    }

    [Fact]
    public void RefusesMalformedAndNonRsaKeys()
    {
        byte[] spki = Private.ExportSubjectPublicKeyInfo();
        Assert.Throws<CryptographicException>(() => OpenSslRsaPublicKey.Import(spki.AsSpan(0, spki.Length - 3)));
        Assert.Throws<CryptographicException>(() => OpenSslRsaPublicKey.Import([.. spki, 0]));
        Assert.Throws<CryptographicException>(() => OpenSslRsaPublicKey.Import([]));
        using ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Throws<CryptographicException>(() => OpenSslRsaPublicKey.Import(ec.ExportSubjectPublicKeyInfo()));
    }
}

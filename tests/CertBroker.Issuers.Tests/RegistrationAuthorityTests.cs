using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Issuers.Embedded;
using CertBroker.Issuers.Tests.Support;

namespace CertBroker.Issuers.Tests;

public sealed class RegistrationAuthorityTests(DevCaFixture ca) : IClassFixture<DevCaFixture>
{
    [Fact]
    public void DecryptionKeys_SeparateRaCertificates_ListsEncryptionRaFirstThenSigningRa()
    {
        var registrationAuthority = new RegistrationAuthority(ca.Material);

        Assert.Equal(
            [ca.Material.RaEncryptionCertificate, ca.Material.RaSigningCertificate],
            registrationAuthority.DecryptionKeys.Select(k => k.Certificate));
        Assert.Same(ca.Material.RaEncryptionKey, registrationAuthority.DecryptionKeys[0].Key);
        Assert.Same(ca.Material.RaSigningKey, registrationAuthority.DecryptionKeys[1].Key);
    }

    [Fact]
    public void SigningKey_SignsWhatTheSigningCertificateVerifies()
    {
        var registrationAuthority = new RegistrationAuthority(ca.Material);
        var data = "CertRep"u8.ToArray();

        var signature = registrationAuthority.SigningKey.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        using var publicKey = registrationAuthority.SigningCertificate.GetRSAPublicKey()!;
        Assert.True(publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void EncryptionKey_DecryptsWhatIsEncryptedToTheEncryptionCertificate()
    {
        var registrationAuthority = new RegistrationAuthority(ca.Material);
        using var publicKey = registrationAuthority.EncryptionCertificate.GetRSAPublicKey()!;
        var contentKey = RandomNumberGenerator.GetBytes(32);

        var wrapped = publicKey.Encrypt(contentKey, RSAEncryptionPadding.Pkcs1);

        Assert.Equal(contentKey, registrationAuthority.EncryptionKey.Decrypt(wrapped, RSAEncryptionPadding.Pkcs1));
    }

    [Fact]
    public async Task DecryptionKeys_DualUseRa_ListsItOnce()
    {
        using var files = new TempDirectory();
        using var data = new TempDirectory();
        var options = TestPki.WriteProductionPemSet(files);
        using var caKey = RSA.Create();
        caKey.ImportFromPem(await File.ReadAllTextAsync(options.KeyPath!));
        var caCertificate = X509CertificateLoader.LoadCertificateFromFile(options.CertificatePath!);
        var (ra, raKey) = TestPki.CreateIssued(
            caCertificate,
            caKey,
            "Dual RA",
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment);
        options.Ra = new RegistrationAuthorityOptions
        {
            SigningCertificatePath = TestPki.WriteCertificate(files, "ra.pem", ra),
            SigningKeyPath = TestPki.WriteKey(files, "ra.key", raKey),
        };
        using var material = await TestPki.Provider(options, data.Path).LoadOrCreateAsync(CancellationToken.None);

        var registrationAuthority = new RegistrationAuthority(material);

        var only = Assert.Single(registrationAuthority.DecryptionKeys);
        Assert.Equal("CN=Dual RA", only.Certificate.Subject);
        Assert.Same(registrationAuthority.SigningCertificate, registrationAuthority.EncryptionCertificate);
    }
}

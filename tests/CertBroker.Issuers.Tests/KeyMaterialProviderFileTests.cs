using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Issuers.Embedded;
using CertBroker.Issuers.Tests.Support;
using Microsoft.Extensions.Options;

namespace CertBroker.Issuers.Tests;

public sealed class KeyMaterialProviderFileTests : IDisposable
{
    private readonly TempDirectory files = new();
    private readonly TempDirectory data = new();

    public void Dispose()
    {
        files.Dispose();
        data.Dispose();
    }

    [Fact]
    public async Task LoadOrCreateAsync_ConfiguredPemFiles_LoadsThemAndGeneratesNothing()
    {
        var options = TestPki.WriteProductionPemSet(files);

        using var material = await LoadAsync(options);

        Assert.False(material.IsGenerated);
        Assert.Equal("CN=Test CA", material.CaCertificate.Subject);
        Assert.Equal("CN=Test RA Signing", material.RaSigningCertificate.Subject);
        Assert.Equal("CN=Test RA Encryption", material.RaEncryptionCertificate.Subject);
        Assert.False(material.CaCertificate.HasPrivateKey);
        Assert.False(Directory.Exists(Path.Combine(data.Path, "ca")));
    }

    [Fact]
    public async Task LoadOrCreateAsync_CaKeyOfAnotherCertificate_RefusesWithMismatch()
    {
        var options = TestPki.WriteProductionPemSet(files);
        using var otherKey = RSA.Create(2048);
        options.KeyPath = TestPki.WriteKey(files, "other.key", otherKey);

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(() => LoadAsync(options));

        Assert.Equal($"The CA private key from '{options.CertificatePath}' does not match the CA certificate 'CN=Test CA'.", exception.Message);
    }

    [Fact]
    public async Task LoadOrCreateAsync_RaIssuedByAnotherCa_Refuses()
    {
        var options = TestPki.WriteProductionPemSet(files);
        var (otherCa, otherCaKey) = TestPki.CreateCa("Test CA");
        var (rogue, rogueKey) = TestPki.CreateIssued(otherCa, otherCaKey, "Rogue RA", X509KeyUsageFlags.DigitalSignature);
        options.Ra.SigningCertificatePath = TestPki.WriteCertificate(files, "rogue.pem", rogue);
        options.Ra.SigningKeyPath = TestPki.WriteKey(files, "rogue.key", rogueKey);

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(() => LoadAsync(options));

        Assert.Contains("RA signing certificate 'CN=Rogue RA'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("was not issued by the CA 'CN=Test CA'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadOrCreateAsync_CaCertificateWithoutCaBasicConstraints_Refuses()
    {
        var options = TestPki.WriteProductionPemSet(files);
        var (notCa, notCaKey) = TestPki.CreateCa("Leaf Posing As CA", markAsCa: false);
        options.CertificatePath = TestPki.WriteCertificate(files, "ca.pem", notCa);
        options.KeyPath = TestPki.WriteKey(files, "ca.key", notCaKey);

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(() => LoadAsync(options));

        Assert.Contains("is not a CA certificate (basicConstraints cA=TRUE is missing)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadOrCreateAsync_MissingFile_RefusesNamingIt()
    {
        var options = TestPki.WriteProductionPemSet(files);
        options.Ra.EncryptionKeyPath = files.File("nowhere.key");

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(() => LoadAsync(options));

        Assert.Equal($"The RA encryption private key file '{files.File("nowhere.key")}' does not exist.", exception.Message);
    }

    [Fact]
    public async Task LoadOrCreateAsync_UnreadableCertificateFile_Refuses()
    {
        var options = TestPki.WriteProductionPemSet(files);
        await File.WriteAllTextAsync(options.CertificatePath!, "not a certificate");

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(() => LoadAsync(options));

        Assert.Contains("is not a readable PEM or DER certificate", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadOrCreateAsync_Pkcs12Ca_Loads()
    {
        var options = TestPki.WriteProductionPemSet(files);
        var ca = X509CertificateLoader.LoadCertificateFromFile(options.CertificatePath!);
        using var caKey = RSA.Create();
        caKey.ImportFromPem(await File.ReadAllTextAsync(options.KeyPath!));
        options.Pkcs12Path = TestPki.WritePkcs12(files, "ca.p12", ca, caKey, "p12 secret");
        options.Pkcs12Password = "p12 secret";
        options.CertificatePath = null;
        options.KeyPath = null;

        using var material = await LoadAsync(options);

        Assert.Equal(ca.Thumbprint, material.CaCertificate.Thumbprint);
        Assert.Equal(caKey.ExportRSAPublicKey(), material.CaKey.ExportRSAPublicKey());
    }

    [Fact]
    public async Task LoadOrCreateAsync_Pkcs12WithWrongPassword_Refuses()
    {
        var options = TestPki.WriteProductionPemSet(files);
        using var raKey = RSA.Create();
        raKey.ImportFromPem(await File.ReadAllTextAsync(options.Ra.SigningKeyPath!));
        var ra = X509CertificateLoader.LoadCertificateFromFile(options.Ra.SigningCertificatePath!);
        options.Ra.SigningPkcs12Path = TestPki.WritePkcs12(files, "ra.p12", ra, raKey, "right");
        options.Ra.SigningPkcs12Password = "wrong";
        options.Ra.SigningCertificatePath = null;
        options.Ra.SigningKeyPath = null;

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(() => LoadAsync(options));

        Assert.Contains("RA signing PKCS#12 file", exception.Message, StringComparison.Ordinal);
        Assert.Contains("wrong password", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadOrCreateAsync_EncryptedPemKeyWithPassword_Loads()
    {
        var options = TestPki.WriteProductionPemSet(files);
        using var caKey = RSA.Create();
        caKey.ImportFromPem(await File.ReadAllTextAsync(options.KeyPath!));
        options.KeyPath = TestPki.WriteKey(files, "ca-encrypted.key", caKey, password: "correct horse");
        options.KeyPassword = "correct horse";

        using var material = await LoadAsync(options);

        Assert.Equal(caKey.ExportRSAPublicKey(), material.CaKey.ExportRSAPublicKey());
    }

    [Theory]
    [InlineData(null, "is encrypted but no password is configured")]
    [InlineData("wrong", "could not be decrypted")]
    public async Task LoadOrCreateAsync_EncryptedPemKeyWithoutRightPassword_Refuses(string? password, string expected)
    {
        var options = TestPki.WriteProductionPemSet(files);
        using var caKey = RSA.Create();
        caKey.ImportFromPem(await File.ReadAllTextAsync(options.KeyPath!));
        options.KeyPath = TestPki.WriteKey(files, "ca-encrypted.key", caKey, password: "correct horse");
        options.KeyPassword = password;

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(() => LoadAsync(options));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadOrCreateAsync_CaFileWithChain_PresentsChainRootLast()
    {
        var (root, rootKey) = TestPki.CreateCa("Test Root");
        using var intermediateKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=Test Issuing CA", intermediateKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        var intermediate = request.Create(
            root.SubjectName,
            X509SignatureGenerator.CreateForRSA(rootKey, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddDays(-1),
            DateTimeOffset.UtcNow.AddYears(3),
            RandomNumberGenerator.GetBytes(8));
        var (signing, signingKey) = TestPki.CreateIssued(
            intermediate,
            intermediateKey,
            "Test RA",
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment);
        var options = new EmbeddedCaOptions
        {
            CertificatePath = TestPki.WriteCertificate(files, "issuing.pem", intermediate, root),
            KeyPath = TestPki.WriteKey(files, "issuing.key", intermediateKey),
            Ra = new RegistrationAuthorityOptions
            {
                SigningCertificatePath = TestPki.WriteCertificate(files, "ra.pem", signing),
                SigningKeyPath = TestPki.WriteKey(files, "ra.key", signingKey),
            },
        };

        using var material = await LoadAsync(options);

        Assert.Equal(["CN=Test Issuing CA", "CN=Test Root"], material.CaChain.Select(c => c.Subject));
    }

    [Fact]
    public async Task LoadOrCreateAsync_OneRaWithBothKeyUsages_ServesAsSigningAndEncryptionRa()
    {
        var options = DualUseOptions(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment);

        using var material = await LoadAsync(options);

        Assert.True(material.IsDualUseRa);
        Assert.Same(material.RaSigningCertificate, material.RaEncryptionCertificate);
        Assert.Same(material.RaSigningKey, material.RaEncryptionKey);
    }

    [Fact]
    public async Task LoadOrCreateAsync_SigningOnlyRaWithoutEncryptionRa_Refuses()
    {
        var options = DualUseOptions(X509KeyUsageFlags.DigitalSignature);

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(() => LoadAsync(options));

        Assert.Contains("it needs KeyEncipherment, DigitalSignature", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadOrCreateAsync_EncryptionRaWithoutKeyEncipherment_Refuses()
    {
        var options = TestPki.WriteProductionPemSet(files);
        using var caKey = RSA.Create();
        caKey.ImportFromPem(await File.ReadAllTextAsync(options.KeyPath!));
        var ca = X509CertificateLoader.LoadCertificateFromFile(options.CertificatePath!);
        var (encryption, encryptionKey) = TestPki.CreateIssued(ca, caKey, "Signing Only", X509KeyUsageFlags.DigitalSignature);
        options.Ra.EncryptionCertificatePath = TestPki.WriteCertificate(files, "enc.pem", encryption);
        options.Ra.EncryptionKeyPath = TestPki.WriteKey(files, "enc.key", encryptionKey);

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(() => LoadAsync(options));

        Assert.Contains("RA encryption certificate 'CN=Signing Only'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("it needs KeyEncipherment", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadOrCreateAsync_CaKeyBelow2048Bits_Refuses()
    {
        var options = TestPki.WriteProductionPemSet(files);
        using var weakKey = RSA.Create(1024);
        var request = new CertificateRequest("CN=Weak CA", weakKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var weak = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        options.CertificatePath = TestPki.WriteCertificate(files, "weak.pem", weak);
        options.KeyPath = TestPki.WriteKey(files, "weak.key", weakKey);

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(() => LoadAsync(options));

        Assert.Contains("is RSA 1024 bits", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadOrCreateAsync_NextCaInDer_IsExposed()
    {
        var options = TestPki.WriteProductionPemSet(files);
        var (next, nextKey) = TestPki.CreateCa("Test CA 2");
        nextKey.Dispose();
        options.NextCa.CertificatePath = files.File("next.cer");
        await File.WriteAllBytesAsync(options.NextCa.CertificatePath, next.RawData);

        using var material = await LoadAsync(options);

        Assert.Equal(next.Thumbprint, material.NextCaCertificate?.Thumbprint);
    }

    [Fact]
    public async Task LoadOrCreateAsync_NoNextCaConfigured_HasNone()
    {
        using var material = await LoadAsync(TestPki.WriteProductionPemSet(files));

        Assert.Null(material.NextCaCertificate);
    }

    [Fact]
    public async Task LoadOrCreateAsync_HalfConfiguredOptions_ThrowsValidationListingProblems()
    {
        var options = TestPki.WriteProductionPemSet(files);
        options.KeyPath = null;
        options.Ra.EncryptionKeyPath = null;

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => LoadAsync(options));

        Assert.Equal(2, exception.Failures.Count());
    }

    private EmbeddedCaOptions DualUseOptions(X509KeyUsageFlags usage)
    {
        var options = TestPki.WriteProductionPemSet(files);
        using var caKey = RSA.Create();
        caKey.ImportFromPem(File.ReadAllText(options.KeyPath!));
        var ca = X509CertificateLoader.LoadCertificateFromFile(options.CertificatePath!);
        var (ra, raKey) = TestPki.CreateIssued(ca, caKey, "Test RA", usage);
        options.Ra = new RegistrationAuthorityOptions
        {
            SigningCertificatePath = TestPki.WriteCertificate(files, "ra.pem", ra),
            SigningKeyPath = TestPki.WriteKey(files, "ra.key", raKey),
        };
        return options;
    }

    private Task<CaKeyMaterial> LoadAsync(EmbeddedCaOptions options) =>
        TestPki.Provider(options, data.Path).LoadOrCreateAsync(CancellationToken.None);
}

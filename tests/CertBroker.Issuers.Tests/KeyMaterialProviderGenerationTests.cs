using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Issuers.Embedded;
using CertBroker.Issuers.Tests.Support;

namespace CertBroker.Issuers.Tests;

public sealed class KeyMaterialProviderGenerationTests
{
    private static readonly string[] KeyFiles = ["ca-key.pem", "ra-signing-key.pem", "ra-encryption-key.pem"];
    private static readonly string[] CertificateFiles = ["ca-cert.pem", "ra-signing-cert.pem", "ra-encryption-cert.pem"];

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task LoadOrCreateAsync_EmptyDataDirectory_WritesPemFilesWithOwnerOnlyKeys()
    {
        using var data = new TempDirectory();
        var provider = TestPki.Provider(new EmbeddedCaOptions(), data.Path);

        using var material = await provider.LoadOrCreateAsync(CancellationToken.None);

        Assert.True(material.IsGenerated);
        foreach (var name in KeyFiles)
        {
            var path = Path.Combine(data.Path, "ca", name);
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        foreach (var name in CertificateFiles)
        {
            var path = Path.Combine(data.Path, "ca", name);
            Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(path) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(data.Path, "ca"), "*.tmp"));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.Combine(data.Path, "ca")));
    }

    [Fact]
    public async Task LoadOrCreateAsync_SecondStart_LoadsTheSameMaterial()
    {
        using var data = new TempDirectory();
        using var first = await TestPki.Provider(new EmbeddedCaOptions(), data.Path).LoadOrCreateAsync(CancellationToken.None);
        var written = Directory.GetFiles(Path.Combine(data.Path, "ca")).ToDictionary(f => f, File.ReadAllText);

        using var second = await TestPki.Provider(new EmbeddedCaOptions(), data.Path).LoadOrCreateAsync(CancellationToken.None);

        Assert.Equal(Fingerprints(first), Fingerprints(second));
        Assert.Equal(first.CaKey.ExportRSAPublicKey(), second.CaKey.ExportRSAPublicKey());
        Assert.All(written, file => Assert.Equal(file.Value, File.ReadAllText(file.Key)));
    }

    [Fact]
    public async Task LoadOrCreateAsync_DevCa_IsRootCaWithCertificateAndCrlSigningOnly()
    {
        using var data = new TempDirectory();
        var time = TestClock.StartingNow();
        using var material = await TestPki.Provider(new EmbeddedCaOptions(), data.Path, time).LoadOrCreateAsync(CancellationToken.None);
        var ca = material.CaCertificate;

        Assert.Equal("CN=CertBroker Dev Root CA, O=CertBroker Dev", ca.Subject);
        Assert.Equal(ca.Subject, ca.Issuer);
        Assert.Equal("1.2.840.113549.1.1.11", ca.SignatureAlgorithm.Value);
        Assert.Equal(2048, material.CaKey.KeySize);
        var constraints = Assert.Single(ca.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        var keyUsage = Assert.Single(ca.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, keyUsage.KeyUsages);
        Assert.True(keyUsage.Critical);
        var subjectKeyId = Assert.Single(ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        var authorityKeyId = Assert.Single(ca.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        Assert.Equal(subjectKeyId.SubjectKeyIdentifierBytes.ToArray(), authorityKeyId.KeyIdentifier!.Value.ToArray());
        Assert.Equal(time.GetUtcNow().AddYears(10), CertificateBuildingNotAfter(ca));
        Assert.Single(material.CaChain);
    }

    [Fact]
    public async Task LoadOrCreateAsync_DevRaCertificates_ChainToCaWithExactKeyUsages()
    {
        using var data = new TempDirectory();
        var time = TestClock.StartingNow();
        using var material = await TestPki.Provider(new EmbeddedCaOptions(), data.Path, time).LoadOrCreateAsync(CancellationToken.None);

        Assert.False(material.IsDualUseRa);
        AssertRa(material.RaSigningCertificate, "CN=CertBroker RA Signing, O=CertBroker Dev", X509KeyUsageFlags.DigitalSignature);
        AssertRa(material.RaEncryptionCertificate, "CN=CertBroker RA Encryption, O=CertBroker Dev", X509KeyUsageFlags.KeyEncipherment);
        Assert.Equal(time.GetUtcNow().AddYears(2), CertificateBuildingNotAfter(material.RaSigningCertificate));

        void AssertRa(X509Certificate2 ra, string subject, X509KeyUsageFlags usage)
        {
            Assert.Equal(subject, ra.Subject);
            Assert.Equal(material.CaCertificate.Subject, ra.Issuer);
            var keyUsage = Assert.Single(ra.Extensions.OfType<X509KeyUsageExtension>());
            Assert.Equal(usage, keyUsage.KeyUsages);
            Assert.True(keyUsage.Critical);
            Assert.False(Assert.Single(ra.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
            Assert.Empty(ra.Extensions.OfType<X509EnhancedKeyUsageExtension>());
            Assert.True(Chains(ra, material.CaCertificate, time.GetUtcNow()), $"{subject} does not chain to the CA");
        }
    }

    [Fact]
    public async Task LoadOrCreateAsync_ConfiguredKeySize_GeneratesKeysOfThatSize()
    {
        using var data = new TempDirectory();

        using var material = await TestPki
            .Provider(new EmbeddedCaOptions { KeySize = 3072 }, data.Path)
            .LoadOrCreateAsync(CancellationToken.None);

        Assert.Equal(3072, material.CaKey.KeySize);
        Assert.Equal(3072, material.RaSigningKey.KeySize);
        Assert.Equal(3072, material.RaEncryptionKey.KeySize);
    }

    [Fact]
    public async Task LoadOrCreateAsync_GeneratedMaterialMissingAKey_RefusesAndNamesTheFile()
    {
        using var data = new TempDirectory();
        (await TestPki.Provider(new EmbeddedCaOptions(), data.Path).LoadOrCreateAsync(CancellationToken.None)).Dispose();
        File.Delete(Path.Combine(data.Path, "ca", "ra-signing-key.pem"));

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(
            () => TestPki.Provider(new EmbeddedCaOptions(), data.Path).LoadOrCreateAsync(CancellationToken.None));

        Assert.Contains("incomplete", exception.Message, StringComparison.Ordinal);
        Assert.Contains("ra-signing-key.pem", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadOrCreateAsync_InterruptedGenerationWithoutCaCertificate_GeneratesAfresh()
    {
        using var data = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(data.Path, "ca"));
        await File.WriteAllTextAsync(Path.Combine(data.Path, "ca", "ra-signing-key.pem"), "left over");

        using var material = await TestPki.Provider(new EmbeddedCaOptions(), data.Path).LoadOrCreateAsync(CancellationToken.None);

        Assert.True(material.IsGenerated);
    }

    [Fact]
    public async Task LoadOrCreateAsync_GeneratedKeyTamperedWith_RefusesWithMismatch()
    {
        using var data = new TempDirectory();
        (await TestPki.Provider(new EmbeddedCaOptions(), data.Path).LoadOrCreateAsync(CancellationToken.None)).Dispose();
        File.Copy(
            Path.Combine(data.Path, "ca", "ra-signing-key.pem"),
            Path.Combine(data.Path, "ca", "ra-encryption-key.pem"),
            overwrite: true);

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(
            () => TestPki.Provider(new EmbeddedCaOptions(), data.Path).LoadOrCreateAsync(CancellationToken.None));

        Assert.Contains("RA encryption private key", exception.Message, StringComparison.Ordinal);
        Assert.Contains("does not match", exception.Message, StringComparison.Ordinal);
    }

    internal static bool Chains(X509Certificate2 certificate, X509Certificate2 ca, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        return chain.Build(certificate);
    }

    private static DateTimeOffset CertificateBuildingNotAfter(X509Certificate2 certificate) =>
        new(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    private static string[] Fingerprints(CaKeyMaterial material) =>
    [
        material.CaCertificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
        material.RaSigningCertificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
        material.RaEncryptionCertificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
    ];
}

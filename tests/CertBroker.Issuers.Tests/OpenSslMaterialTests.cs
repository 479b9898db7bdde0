using CertBroker.Issuers.Embedded;
using CertBroker.Issuers.Tests.Support;

namespace CertBroker.Issuers.Tests;

/// <summary>Material made with the openssl command line, as operators make it, loads as configured.</summary>
public sealed class OpenSslMaterialTests : IDisposable
{
    private readonly TempDirectory files = new();
    private readonly TempDirectory data = new();

    public void Dispose()
    {
        files.Dispose();
        data.Dispose();
    }

    [Theory]
    [InlineData("pkcs1-pem")]
    [InlineData("pkcs12-aes")]
    [InlineData("pkcs12-3des")]
    public async Task LoadOrCreateAsync_OpenSslMadeCaAndRa_Loads(string raFormat)
    {
        await MakeCaAndRaAsync();
        var options = new EmbeddedCaOptions
        {
            CertificatePath = files.File("ca.pem"),
            KeyPath = files.File("ca.key"),
            KeyPassword = "ca pass",
            Ra = raFormat switch
            {
                "pkcs1-pem" => new RegistrationAuthorityOptions
                {
                    SigningCertificatePath = files.File("ra.pem"),
                    SigningKeyPath = await RunAsync("ra-pkcs1.key", "rsa", "-in", files.File("ra.key"), "-traditional", "-out"),
                },
                "pkcs12-aes" => new RegistrationAuthorityOptions
                {
                    SigningPkcs12Path = await Pkcs12Async("ra-aes.p12"),
                    SigningPkcs12Password = "p12 pass",
                },
                _ => new RegistrationAuthorityOptions
                {
                    SigningPkcs12Path = await Pkcs12Async(
                        "ra-3des.p12",
                        "-certpbe",
                        "PBE-SHA1-3DES",
                        "-keypbe",
                        "PBE-SHA1-3DES",
                        "-macalg",
                        "sha1"),
                    SigningPkcs12Password = "p12 pass",
                },
            },
        };

        using var material = await TestPki.Provider(options, data.Path).LoadOrCreateAsync(CancellationToken.None);

        Assert.Equal("CN=OpenSSL CA", material.CaCertificate.Subject);
        Assert.Equal("CN=OpenSSL RA", material.RaSigningCertificate.Subject);
        Assert.True(material.IsDualUseRa);
    }

    [Fact]
    public async Task LoadOrCreateAsync_LegacyEncryptedPemKey_RefusesWithConversionHint()
    {
        await MakeCaAndRaAsync();
        var legacyKey = await RunAsync(
            "ca-legacy.key",
            "rsa",
            "-in",
            files.File("ca.key"),
            "-passin",
            "pass:ca pass",
            "-traditional",
            "-aes256",
            "-passout",
            "pass:ca pass",
            "-out");
        var options = new EmbeddedCaOptions
        {
            CertificatePath = files.File("ca.pem"),
            KeyPath = legacyKey,
            KeyPassword = "ca pass",
            Ra = new RegistrationAuthorityOptions { SigningCertificatePath = files.File("ra.pem"), SigningKeyPath = files.File("ra.key") },
        };

        var exception = await Assert.ThrowsAsync<KeyMaterialException>(
            () => TestPki.Provider(options, data.Path).LoadOrCreateAsync(CancellationToken.None));

        Assert.Contains("openssl pkcs8 -topk8", exception.Message, StringComparison.Ordinal);
    }

    private async Task MakeCaAndRaAsync()
    {
        await RunAsync(
            "ca.pem",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-sha256",
            "-days",
            "30",
            "-subj",
            "/CN=OpenSSL CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout",
            files.File("ca.key"),
            "-passout",
            "pass:ca pass",
            "-out");
        await RunAsync(
            "ra.csr",
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=OpenSSL RA",
            "-keyout",
            files.File("ra.key"),
            "-out");
        await File.WriteAllTextAsync(files.File("ra.ext"), "keyUsage=critical,digitalSignature,keyEncipherment\n");
        await RunAsync(
            "ra.pem",
            "x509",
            "-req",
            "-in",
            files.File("ra.csr"),
            "-CA",
            files.File("ca.pem"),
            "-CAkey",
            files.File("ca.key"),
            "-passin",
            "pass:ca pass",
            "-sha256",
            "-days",
            "30",
            "-extfile",
            files.File("ra.ext"),
            "-out");
    }

    private Task<string> Pkcs12Async(string name, params string[] extra) =>
        RunAsync(
            name,
            ["pkcs12", "-export", "-in", files.File("ra.pem"), "-inkey", files.File("ra.key"), "-passout", "pass:p12 pass", .. extra, "-out"]);

    /// <summary>Runs openssl with the output file as the last argument and returns that file's path.</summary>
    private async Task<string> RunAsync(string output, params string[] arguments)
    {
        var path = files.File(output);
        var (exitCode, text) = await OpenSsl.RunAsync([.. arguments, path]);
        Assert.True(exitCode == 0, text);
        return path;
    }
}

using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

/// <summary>
/// certmonger and strongSwan pki against micromdm's scepserver: both fail there, for reasons that are
/// scepserver's and Debian's pki's, not the harness's. These pin what a user sees, prove the drivers
/// reach the point of failure, and document what CertBroker must do differently (README.md).
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "ScepServer")]
public sealed class ScepServerReferenceTests(ScepServerFixture fixture, ITestOutputHelper output) : IClassFixture<ScepServerFixture>
{
    [Fact]
    public async Task CertmongerRequest_GetCaCertReturnsOnlyTheCa_EndsUnreachableWithVerifyError()
    {
        // certmonger files a lone GetCACert certificate as the RA (encryption) certificate and has no CA
        // certificate left to trust, so the reply signer fails with "self-signed certificate" inside PKCS7_verify.
        await using var certmonger = await CertmongerDriver.StartAsync();
        await certmonger.AddScepCaAsync("reference", fixture.Server.Url("/scep"));

        var run = await certmonger.RequestAsync("reference", "reference", "CN=certmonger-reference", ServerFixture.Challenge, TimeSpan.FromSeconds(30));
        output.WriteLine(run.Describe());

        Assert.Equal(3, run.Process.ExitCode);
        Assert.Equal("CA_UNREACHABLE", run.State.Status);
        Assert.Contains("failed to verify signature on server response", run.State.CaError, StringComparison.Ordinal);
        Assert.False(File.Exists(run.CertificateFile));
    }

    [Fact]
    public async Task StrongSwanFetchCa_ServerWithoutRa_UsesCaForEncryptionAndSignature()
    {
        var directory = fixture.NewWorkDirectory("pki-reference-ca");

        var ca = await StrongSwanDriver.FetchCaAsync(fixture.Server.Url("/scep"), directory);

        Assert.Empty(ca.RaFiles);
        Assert.Equal(ca.CaFile, ca.EncryptionCertificateFile);
        Assert.Equal(ca.CaFile, ca.SigningCertificateFile);
        var (caPem, _) = await fixture.CaFilesAsync("/scep");
        Assert.Equal(OpenSsl.Load(caPem).Thumbprint, OpenSsl.Load(ca.CaFile).Thumbprint);
    }

    [Fact]
    public async Task StrongSwanEnrol_AesWithoutSha384Advertised_RefusedBeforeSending()
    {
        // Debian's pki 5.9.8 tests capability bits by index (strongSwan issue 1607): it accepts AES only
        // when SHA-384 is advertised, and scepserver advertises AES but not SHA-384.
        var run = await EnrolAsync(StrongSwanCipher.Aes);

        Assert.NotEqual(0, run.Process.ExitCode);
        Assert.Contains("AES_CBC encryption algorithm not supported by CA", run.Process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StrongSwanEnrol_Des3ReplySignatureAlgorithmNotRsaEncryption_RejectsReply()
    {
        // scepserver names sha1WithRSAEncryption as the SignerInfo's signature algorithm; pki accepts only rsaEncryption.
        var run = await EnrolAsync(StrongSwanCipher.Des3);

        Assert.NotEqual(0, run.Process.ExitCode);
        Assert.Contains("only RSA digest encryption supported", run.Process.StandardError, StringComparison.Ordinal);
        Assert.False(run.CertificateWritten);
    }

    private async Task<StrongSwanRun> EnrolAsync(StrongSwanCipher cipher)
    {
        var directory = fixture.NewWorkDirectory($"pki-reference-{cipher}");
        var url = fixture.Server.Url("/scep");
        var ca = await StrongSwanDriver.FetchCaAsync(url, directory);
        var keyFile = Path.Combine(directory, "key.pem");
        await fixture.Keys.TakeAsync(keyFile);

        var run = await StrongSwanDriver.EnrolAsync(url, ca, keyFile, "CN=pki-reference", ServerFixture.Challenge, cipher, Path.Combine(directory, "cert.pem"));
        output.WriteLine(run.Process.Describe());
        return run;
    }
}

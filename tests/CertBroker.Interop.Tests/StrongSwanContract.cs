using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

/// <summary>What strongSwan's pki must experience against any conforming server, with AES and with triple DES.</summary>
public abstract class StrongSwanContract<TFixture>(TFixture fixture, ITestOutputHelper output)
    where TFixture : ServerFixture, IServerKind
{
    public static TheoryData<string, StrongSwanCipher> PathsAndCiphers =>
        Theories.Cross(TFixture.ScepPaths, [StrongSwanCipher.Aes, StrongSwanCipher.Des3]);

    [Theory]
    [MemberData(nameof(PathsAndCiphers))]
    public async Task Enrol_Cipher_IssuesCertificateThatVerifies(string path, StrongSwanCipher cipher)
    {
        var directory = fixture.NewWorkDirectory($"pki-enrol-{cipher}");

        var (run, keyFile, _) = await EnrolAsync(path, cipher, directory, "CN=pki-enrol");

        await IssuedCertificate.AssertVerifiesAsync(fixture, path, run.CertificateFile, run.Process.Describe());
        var facts = await OpenSsl.ReadCertificateAsync(run.CertificateFile);
        Assert.Contains("CN=pki-enrol", facts.Subject, StringComparison.Ordinal);
        Assert.Equal(await OpenSsl.ReadPublicKeyOfPrivateKeyAsync(keyFile), facts.PublicKeySha256);
    }

    [Theory]
    [MemberData(nameof(PathsAndCiphers))]
    public async Task Renew_OldCertificateAndKey_IssuesCertificateForNewKey(string path, StrongSwanCipher cipher)
    {
        var directory = fixture.NewWorkDirectory($"pki-renew-{cipher}");
        var (enrol, oldKey, ca) = await EnrolAsync(path, cipher, directory, "CN=pki-renew");
        var first = await OpenSsl.ReadCertificateAsync(enrol.CertificateFile);
        var newKey = Path.Combine(directory, "new-key.pem");
        await fixture.Keys.TakeAsync(newKey);

        // --cert/--key of the old pair: a RenewalReq for the new key, signed with the old certificate.
        var renew = await StrongSwanDriver.EnrolAsync(
            fixture.Server.Url(path),
            ca,
            newKey,
            "CN=pki-renew",
            ServerFixture.Challenge,
            cipher,
            Path.Combine(directory, "renewed.pem"),
            renewal: (enrol.CertificateFile, oldKey));
        output.WriteLine(renew.Process.Describe());

        Assert.True(renew.CertificateWritten, IssuedCertificate.Evidence(fixture, renew.Process.Describe()));
        var second = await OpenSsl.ReadCertificateAsync(renew.CertificateFile);
        Assert.NotEqual(first.Serial, second.Serial);
        Assert.Equal(await OpenSsl.ReadPublicKeyOfPrivateKeyAsync(newKey), second.PublicKeySha256);
        await IssuedCertificate.AssertVerifiesAsync(fixture, path, renew.CertificateFile, renew.Process.Describe());
    }

    [Fact]
    public async Task Enrol_WrongPassword_FailsWithoutCertificate()
    {
        var directory = fixture.NewWorkDirectory("pki-wrong");
        var keyFile = Path.Combine(directory, "key.pem");
        await fixture.Keys.TakeAsync(keyFile);
        var url = fixture.Server.Url("/scep");

        var run = await StrongSwanDriver.EnrolAsync(
            url, await StrongSwanDriver.FetchCaAsync(url, directory), keyFile, "CN=pki-intruder", ServerFixture.WrongChallenge, StrongSwanCipher.Aes, Path.Combine(directory, "cert.pem"));
        output.WriteLine(run.Process.Describe());

        Assert.False(run.Process.TimedOut, IssuedCertificate.Evidence(fixture, run.Process.Describe()));
        Assert.NotEqual(0, run.Process.ExitCode);
        Assert.False(run.CertificateWritten, "pki printed a certificate although the password was wrong");
    }

    private async Task<(StrongSwanRun Run, string KeyFile, StrongSwanCaFiles Ca)> EnrolAsync(string path, StrongSwanCipher cipher, string directory, string distinguishedName)
    {
        var url = fixture.Server.Url(path);
        var ca = await StrongSwanDriver.FetchCaAsync(url, directory);
        output.WriteLine(ca.Process.Describe());
        var keyFile = Path.Combine(directory, "key.pem");
        await fixture.Keys.TakeAsync(keyFile);

        var run = await StrongSwanDriver.EnrolAsync(url, ca, keyFile, distinguishedName, ServerFixture.Challenge, cipher, Path.Combine(directory, "cert.pem"));
        output.WriteLine(run.Process.Describe());
        Assert.True(run.CertificateWritten, IssuedCertificate.Evidence(fixture, run.Process.Describe()));
        return (run, keyFile, ca);
    }
}

[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class StrongSwanTests(CertBrokerFixture fixture, ITestOutputHelper output)
    : StrongSwanContract<CertBrokerFixture>(fixture, output), IClassFixture<CertBrokerFixture>;

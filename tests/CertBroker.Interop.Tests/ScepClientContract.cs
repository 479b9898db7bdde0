using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

/// <summary>What micromdm's scepclient must experience against any conforming server.</summary>
public abstract class ScepClientContract<TFixture>(TFixture fixture, ITestOutputHelper output)
    where TFixture : ServerFixture, IServerKind
{
    public static TheoryData<string> Paths => Theories.Of(TFixture.ScepPaths);

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Enrol_ValidChallenge_IssuesCertificateThatVerifiesAgainstCa(string path)
    {
        var directory = fixture.NewWorkDirectory("scepclient-enrol");
        await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));

        var run = await ScepClientDriver.RunAsync(fixture.Server.Url(path), ServerFixture.Challenge, directory, "enrol-device");
        output.WriteLine(run.Process.Describe());

        Assert.True(run.Process.Succeeded && run.CertificateWritten, IssuedCertificate.Evidence(fixture, run.Process.Describe()));
        await IssuedCertificate.AssertVerifiesAsync(fixture, path, run.CertificateFile, run.Process.Describe());
        var facts = await OpenSsl.ReadCertificateAsync(run.CertificateFile);
        Assert.Contains("CN=enrol-device", facts.Subject, StringComparison.Ordinal);
        Assert.Equal(await OpenSsl.ReadPublicKeyOfPrivateKeyAsync(run.KeyFile), facts.PublicKeySha256);
    }

    [Fact]
    public async Task Enrol_WrongChallenge_ExitsWithErrorAndWritesNoCertificate()
    {
        var directory = fixture.NewWorkDirectory("scepclient-wrong");
        await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));

        var run = await ScepClientDriver.RunAsync(fixture.Server.Url("/scep"), ServerFixture.WrongChallenge, directory, "intruder");
        output.WriteLine(run.Process.Describe());

        // A refusal must be a FAILURE reply the client reports at once, not a PENDING it keeps polling.
        Assert.False(run.Process.TimedOut, IssuedCertificate.Evidence(fixture, run.Process.Describe()));
        Assert.NotEqual(0, run.Process.ExitCode);
        Assert.False(run.CertificateWritten, "scepclient wrote a certificate although the challenge was wrong");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Renew_CertificateBesideKey_IssuesNewCertificateForSameKey(string path)
    {
        var directory = fixture.NewWorkDirectory("scepclient-renew");
        await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));
        var url = fixture.Server.Url(path);
        var enrol = await ScepClientDriver.RunAsync(url, ServerFixture.Challenge, directory, "renew-device");
        output.WriteLine(enrol.Process.Describe());
        Assert.True(enrol.Process.Succeeded && enrol.CertificateWritten, IssuedCertificate.Evidence(fixture, enrol.Process.Describe()));
        var first = await OpenSsl.ReadCertificateAsync(enrol.CertificateFile);

        // cert.pem beside the key makes scepclient send a RenewalReq signed with that certificate.
        var renew = await ScepClientDriver.RunAsync(url, ServerFixture.Challenge, directory, "renew-device");
        output.WriteLine(renew.Process.Describe());

        Assert.True(renew.Process.Succeeded, IssuedCertificate.Evidence(fixture, renew.Process.Describe()));
        var second = await OpenSsl.ReadCertificateAsync(renew.CertificateFile);
        Assert.NotEqual(first.Serial, second.Serial);
        Assert.Equal(first.PublicKeySha256, second.PublicKeySha256);
        Assert.Equal(first.Subject, second.Subject);
        await IssuedCertificate.AssertVerifiesAsync(fixture, path, renew.CertificateFile, renew.Process.Describe());
    }
}

[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class ScepClientTests(CertBrokerFixture fixture, ITestOutputHelper output)
    : ScepClientContract<CertBrokerFixture>(fixture, output), IClassFixture<CertBrokerFixture>;

[Trait("Category", "Interop")]
[Trait("Server", "ScepServer")]
public sealed class ScepClientAgainstScepServerTests(ScepServerFixture fixture, ITestOutputHelper output)
    : ScepClientContract<ScepServerFixture>(fixture, output), IClassFixture<ScepServerFixture>;

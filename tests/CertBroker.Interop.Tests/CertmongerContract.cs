using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

/// <summary>What certmonger must experience against any conforming server: enrol, renew with the same key and with a new one.</summary>
public abstract class CertmongerContract<TFixture>(TFixture fixture, ITestOutputHelper output)
    where TFixture : ServerFixture, IServerKind
{
    private const string CaName = "broker";
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Paths => Theories.Of(TFixture.ScepPaths);

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Request_ValidChallenge_ReachesMonitoringWithCertificateThatVerifies(string path)
    {
        await using var certmonger = await CertmongerDriver.StartAsync();

        var run = await EnrolAsync(certmonger, path, "enrol");

        await IssuedCertificate.AssertVerifiesAsync(fixture, path, run.CertificateFile, run.Describe());
        var facts = await OpenSsl.ReadCertificateAsync(run.CertificateFile);
        Assert.Contains("CN=certmonger-enrol", facts.Subject, StringComparison.Ordinal);
        Assert.Equal(await OpenSsl.ReadPublicKeyOfPrivateKeyAsync(run.KeyFile), facts.PublicKeySha256);
    }

    [Fact]
    public async Task Request_WrongChallenge_EndsRejectedWithoutCertificate()
    {
        await using var certmonger = await CertmongerDriver.StartAsync();
        await certmonger.AddScepCaAsync(CaName, fixture.Server.Url("/scep"));

        var run = await certmonger.RequestAsync(CaName, "wrong", "CN=certmonger-intruder", ServerFixture.WrongChallenge, WaitTimeout);
        output.WriteLine(run.Describe());

        // A signed FAILURE makes certmonger give up (CA_REJECTED, exit 2); anything else leaves it retrying for ever.
        Assert.True(run.State.Status == "CA_REJECTED", IssuedCertificate.Evidence(fixture, run.Describe() + "\n" + certmonger.DaemonLog));
        Assert.Equal(2, run.Process.ExitCode);
        Assert.False(File.Exists(run.CertificateFile), "certmonger saved a certificate although the challenge was wrong");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Resubmit_IssuedCertificate_ReplacesItWithNewSerialForSameKey(string path)
    {
        await using var certmonger = await CertmongerDriver.StartAsync();
        var enrol = await EnrolAsync(certmonger, path, "resubmit");
        var first = await OpenSsl.ReadCertificateAsync(enrol.CertificateFile);

        // certmonger sends a PKCSReq signed with the certificate it holds.
        var renew = await certmonger.ResubmitAsync("resubmit", WaitTimeout);
        output.WriteLine(renew.Describe());

        Assert.True(renew.Issued, IssuedCertificate.Evidence(fixture, renew.Describe() + "\n" + certmonger.DaemonLog));
        var second = await OpenSsl.ReadCertificateAsync(renew.CertificateFile);
        Assert.NotEqual(first.Serial, second.Serial);
        Assert.Equal(first.PublicKeySha256, second.PublicKeySha256);
        await IssuedCertificate.AssertVerifiesAsync(fixture, path, renew.CertificateFile, renew.Describe());
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Rekey_IssuedCertificate_ReplacesItWithCertificateForNewKey(string path)
    {
        await using var certmonger = await CertmongerDriver.StartAsync();
        var enrol = await EnrolAsync(certmonger, path, "rekey");
        var first = await OpenSsl.ReadCertificateAsync(enrol.CertificateFile);

        // A new key, and a PKCSReq for it signed with the current certificate and the old key.
        var renew = await certmonger.RekeyAsync("rekey", WaitTimeout);
        output.WriteLine(renew.Describe());

        Assert.True(renew.Issued, IssuedCertificate.Evidence(fixture, renew.Describe() + "\n" + certmonger.DaemonLog));
        var second = await OpenSsl.ReadCertificateAsync(renew.CertificateFile);
        Assert.NotEqual(first.Serial, second.Serial);
        Assert.NotEqual(first.PublicKeySha256, second.PublicKeySha256);
        Assert.Equal(await OpenSsl.ReadPublicKeyOfPrivateKeyAsync(renew.KeyFile), second.PublicKeySha256);
        await IssuedCertificate.AssertVerifiesAsync(fixture, path, renew.CertificateFile, renew.Describe());
    }

    private async Task<CertmongerRun> EnrolAsync(CertmongerDriver certmonger, string path, string requestId)
    {
        await certmonger.AddScepCaAsync(CaName, fixture.Server.Url(path));
        var run = await certmonger.RequestAsync(CaName, requestId, $"CN=certmonger-{requestId}", ServerFixture.Challenge, WaitTimeout);
        output.WriteLine(run.Describe());
        Assert.True(
            run.Issued,
            IssuedCertificate.Evidence(fixture, $"{run.Describe()}\n--- getcert list-cas ---\n{await certmonger.ListCaAsync(CaName)}\n--- certmonger ---\n{certmonger.DaemonLog}"));
        return run;
    }
}

[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class CertmongerTests(CertBrokerFixture fixture, ITestOutputHelper output)
    : CertmongerContract<CertBrokerFixture>(fixture, output), IClassFixture<CertBrokerFixture>;

using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

/// <summary>CertBroker with a profile <c>strict</c> that enforces the weak-crypto policy.</summary>
public sealed class WeakCryptoFixture : ServerFixture, IServerKind
{
    public static IReadOnlyList<string> ScepPaths { get; } = ["/scep/strict"];

    protected override Task<ServerProcess> StartAsync() => ServerProcess.StartCertBrokerAsync(Challenge,
    [
        new("CertBroker:Profiles:strict:WeakCrypto", "Enforce"),
        new("CertBroker:Profiles:strict:ChallengePassword", Challenge),
    ]);
}

/// <summary>micromdm's scepclient with a 1024-bit key: refused by an enforcing profile, served by a flagging one.</summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class WeakCryptoInteropTests(WeakCryptoFixture fixture, ITestOutputHelper output) : IClassFixture<WeakCryptoFixture>
{
    [Fact]
    public async Task ScepClient_1024BitKeyToEnforcingProfile_IsRefused()
    {
        ScepClientRun run = await EnrolAsync("/scep/strict", "weak-key-strict");

        Assert.False(run.Process.TimedOut, IssuedCertificate.Evidence(fixture, run.Process.Describe()));
        Assert.NotEqual(0, run.Process.ExitCode);
        Assert.False(run.CertificateWritten, "scepclient got a certificate for a 1024-bit key from an enforcing profile");
        Assert.True(await ServerLogContainsAsync("WC-RSA-01"), "the server log does not name rule WC-RSA-01\n" + fixture.Server.Output);
    }

    [Fact]
    public async Task ScepClient_1024BitKeyToFlaggingProfile_Enrols()
    {
        ScepClientRun run = await EnrolAsync("/scep", "weak-key-flagged");

        Assert.True(run.Process.Succeeded && run.CertificateWritten, IssuedCertificate.Evidence(fixture, run.Process.Describe()));
    }

    /// <summary>The request's log line is written after its reply has gone out, so give it a moment to arrive.</summary>
    private async Task<bool> ServerLogContainsAsync(string text)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            if (fixture.Server.Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private async Task<ScepClientRun> EnrolAsync(string path, string commonName)
    {
        string directory = fixture.NewWorkDirectory(commonName);
        await OpenSsl.GenerateRsaKeyAsync(Path.Combine(directory, "key.pem"), 1024);
        ScepClientRun run = await ScepClientDriver.RunAsync(fixture.Server.Url(path), ServerFixture.Challenge, directory, commonName);
        output.WriteLine(run.Process.Describe());
        return run;
    }
}

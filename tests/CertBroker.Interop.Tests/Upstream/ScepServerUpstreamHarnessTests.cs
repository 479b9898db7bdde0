using System.Net;
using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>
/// The scepserver upstream harness on its own: what the outage test relies on (same port, same CA, the depot's
/// index counting what was issued) checked with scepclient talking to scepserver directly.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "ScepServer")]
public sealed class ScepServerUpstreamHarnessTests(ITestOutputHelper output)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task StopThenStart_SamePortAndDepot_KeepsCaAndCountsEveryIssuedCertificate()
    {
        await using var upstream = await ScepServerUpstream.CreateAsync(ServerFixture.Challenge);
        using var files = TempDirectory.Create("scepserver-harness");
        string caBefore = upstream.CaCertificate.Thumbprint;

        ScepClientRun first = await EnrolAsync(upstream, files.Sub("first"), "harness-first");
        await upstream.StopAsync();
        bool answeredWhileStopped = await AnswersAsync(upstream.ScepUrl);
        await upstream.StartAsync();
        ScepClientRun second = await EnrolAsync(upstream, files.Sub("second"), "harness-second");

        Assert.True(first.Process.Succeeded && first.CertificateWritten, first.Process.Describe() + upstream.Output);
        Assert.True(second.Process.Succeeded && second.CertificateWritten, second.Process.Describe() + upstream.Output);
        Assert.False(answeredWhileStopped, "scepserver still answered after it was stopped");
        Assert.Equal(caBefore, upstream.CaCertificate.Thumbprint);
        Assert.Equal(1, upstream.IssuedTo("harness-first"));
        Assert.Equal(1, upstream.IssuedTo("harness-second"));
        Assert.All(upstream.Issued(), e => Assert.Equal("V", e.Status));
        Assert.True((await OpenSsl.VerifyAsync(upstream.CaFile, second.CertificateFile)).Succeeded);
    }

    private async Task<ScepClientRun> EnrolAsync(ScepServerUpstream upstream, string directory, string commonName)
    {
        await ScepClientDriver.PrepareKeyAsync(directory);
        ScepClientRun run = await ScepClientDriver.RunAsync(upstream.ScepUrl, ServerFixture.Challenge, directory, commonName);
        output.WriteLine(run.Process.Describe());
        return run;
    }

    private static async Task<bool> AnswersAsync(string scepUrl)
    {
        try
        {
            using var response = await Http.GetAsync(scepUrl + "?operation=GetCACaps");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}

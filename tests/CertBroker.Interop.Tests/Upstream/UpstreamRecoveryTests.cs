using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>
/// An upstream that stays away past the front's retry limit: the device is told FAILURE on its next poll instead of
/// waiting forever, and the admin sees why in the front's queue.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class UpstreamRetryLimitTests(ScepServerFewAttemptsFixture fixture, ITestOutputHelper output) : IClassFixture<ScepServerFewAttemptsFixture>
{
    [Fact]
    public async Task StrongSwanPki_UpstreamDownPastRetryLimit_EndsWithFailureShownInFrontQueue()
    {
        const string commonName = "retry-limit-pki";
        string directory = fixture.NewWorkDirectory(commonName);
        StrongSwanCaFiles ca = await StrongSwanDriver.FetchCaAsync(fixture.DeviceUrl, directory);
        string keyFile = Path.Combine(directory, "key.pem");
        await StrongSwanDriver.GenerateKeyAsync(keyFile);
        await fixture.Upstream.StopAsync();
        try
        {
            // pki polls every 2 s for up to 30 s; the front gives up after three attempts one to two seconds apart.
            StrongSwanRun run = await StrongSwanDriver.EnrolAsync(
                fixture.DeviceUrl, ca, keyFile, "CN=" + commonName, ServerFixture.Challenge, StrongSwanCipher.Aes, Path.Combine(directory, "cert.pem"));
            output.WriteLine(run.Process.Describe());

            Assert.False(run.Process.TimedOut, fixture.Evidence("pki was never told the request failed\n" + run.Process.Describe()));
            Assert.NotEqual(0, run.Process.ExitCode);
            Assert.False(run.CertificateWritten, "pki printed a certificate although the upstream was down");
            using var admin = FrontBroker.NewAdminClient(fixture.Server);
            var requests = await admin.ListRequestsAsync("all", commonName);
            output.WriteLine(InventoryChecks.Json(requests));
            Assert.True(requests.Count == 1, fixture.Evidence($"The front queue lists {requests.Count} requests for '{commonName}': {InventoryChecks.Json(requests)}"));
            var upstream = requests[0].GetProperty("upstream");
            Assert.Equal("failed", upstream.GetProperty("state").GetString());
            Assert.Equal(ScepServerFewAttemptsFixture.MaxAttempts, upstream.GetProperty("attempts").GetInt32());
            Assert.False(string.IsNullOrEmpty(upstream.GetProperty("lastError").GetString()), requests[0].GetRawText());
        }
        finally
        {
            await fixture.Upstream.StartAsync();
        }

        Assert.Equal(0, fixture.Upstream.IssuedTo(commonName));
    }
}

/// <summary>
/// The front broker itself restarts while the upstream is down and devices wait: what it promised the devices is in
/// its database, so once the upstream is back every device still gets exactly one certificate.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class FrontRestartTests(ScepServerUpstreamFixture fixture, ITestOutputHelper output) : IClassFixture<ScepServerUpstreamFixture>
{
    private const int Devices = 3;
    private const string Prefix = "restart-device-";

    [Fact]
    public async Task ScepClients_FrontRestartedDuringUpstreamOutage_EachDeviceGetsExactlyOneCertificate()
    {
        await fixture.Upstream.StopAsync();
        try
        {
            await using var devices = await WaitingDevices.StartAsync(fixture, Prefix, Devices);
            await devices.AssertAllWaitingAsync(fixture, TimeSpan.FromSeconds(40));

            // scepclient re-sends every 30 s: the front is back well before the next one, serving GetCACert from what
            // it cached although the upstream is still away.
            await fixture.Server.RestartAsync();
            CaCertificates afterRestart = await FrontBroker.WaitUntilReadyAsync(fixture.Server, whileWaiting: null, TimeSpan.FromSeconds(5));
            Assert.NotEmpty(afterRestart.RegistrationAuthorities);
            await fixture.Upstream.StartAsync();

            foreach (var device in await devices.WaitAllAsync(TimeSpan.FromSeconds(100)))
            {
                output.WriteLine(device.Result.Describe());
                Assert.True(device.GotCertificate, fixture.Evidence($"{device.CommonName} got no certificate\n{device.Result.Describe()}"));
                await fixture.AssertChainsToUpstreamAsync(device.CertificateFile, device.Result.Describe());
                await InventoryChecks.AssertInFrontInventoryAsync(fixture, device.CommonName, device.CertificateFile);
                Assert.Equal(1, fixture.Upstream.IssuedTo(device.CommonName));
            }
        }
        finally
        {
            if (!fixture.Upstream.IsRunning)
            {
                await fixture.Upstream.StartAsync();
            }
        }
    }
}

/// <summary>
/// The upstream is away when the front broker starts for the first time: the front has no CA chain and no RA
/// certificate yet, so its upstream profile answers 503 while the rest of the service runs; once the upstream is
/// there the front gets ready by itself and devices enrol.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class UpstreamDownAtFirstStartTests(ScepServerDownAtStartFixture fixture, ITestOutputHelper output) : IClassFixture<ScepServerDownAtStartFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task FrontFirstStart_UpstreamAway_ProfileAnswers503ThenEnrolsOnceUpstreamIsUp()
    {
        using (var response = await Http.GetAsync(fixture.DeviceUrl + "?operation=GetCACert"))
        {
            output.WriteLine($"GetCACert while the upstream is away: {(int)response.StatusCode} Retry-After {response.Headers.RetryAfter}");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
        }

        using (var embedded = await Http.GetAsync(fixture.Server.Url("/scep") + "?operation=GetCACaps"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, embedded.StatusCode);
        }

        await fixture.Upstream.StartAsync();
        await FrontBroker.WaitUntilReadyAsync(fixture.Server, whileWaiting: null, TimeSpan.FromSeconds(60));
        const string commonName = "late-upstream-device";
        string directory = fixture.NewWorkDirectory(commonName);
        await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));
        ScepClientRun run = await ScepClientDriver.RunAsync(fixture.DeviceUrl, ServerFixture.Challenge, directory, commonName);
        output.WriteLine(run.Process.Describe());

        Assert.True(run.Process.Succeeded && run.CertificateWritten, fixture.Evidence(run.Process.Describe()));
        await fixture.AssertChainsToUpstreamAsync(run.CertificateFile, run.Process.Describe());
        await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, run.CertificateFile);
    }
}

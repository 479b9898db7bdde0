using System.Diagnostics;
using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>
/// The upstream CA goes away while devices enrol and comes back on the same port: devices see PENDING instead of a
/// failure, the broker keeps their requests and retries, and once the CA is back every device gets exactly one
/// certificate, recorded once by the broker and issued once by the CA.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class UpstreamOutageTests(ScepServerUpstreamFixture fixture, ITestOutputHelper output) : IClassFixture<ScepServerUpstreamFixture>
{
    private const int Devices = 8;
    private const string Prefix = "outage-device-";

    // scepclient re-sends its request every 30 s while PENDING; a device needs at most two of those after the CA is back.
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(110);
    private static readonly TimeSpan PendingTimeout = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task ScepClients_UpstreamDownThenBack_EachDeviceGetsExactlyOneCertificate()
    {
        await fixture.Keys.PrepareAsync(Devices);
        await fixture.Upstream.StopAsync();

        var devices = new List<(string CommonName, string Directory, ExternalProcess Process)>();
        try
        {
            for (int i = 1; i <= Devices; i++)
            {
                string commonName = Prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                string directory = fixture.NewWorkDirectory(commonName);
                await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));
                devices.Add((commonName, directory, StartScepClient(commonName, directory)));
            }

            // While the CA is down every device has been told PENDING and keeps waiting; none was refused.
            await WaitUntilAsync(
                () => devices.All(d => d.Process.StandardError.Contains("pkiStatus=PENDING", StringComparison.Ordinal) || d.Process.HasExited),
                PendingTimeout,
                () => "Not every device got PENDING while the upstream was down\n" + Describe(devices));
            Assert.True(
                devices.All(d => !d.Process.HasExited),
                fixture.Evidence("A device stopped while the upstream was down instead of waiting\n" + Describe(devices)));
            Assert.DoesNotContain(fixture.Upstream.Issued(), e => e.Subject.Contains(Prefix, StringComparison.Ordinal));
            await AssertFrontQueueAsync("pending", "pending", lastErrorExpected: true);

            await fixture.Upstream.StartAsync();

            var results = new List<(string CommonName, string Directory, ProcessResult Result)>();
            foreach (var device in devices)
            {
                results.Add((device.CommonName, device.Directory, await device.Process.WaitAsync(ClientTimeout)));
            }

            foreach (var (commonName, directory, result) in results)
            {
                output.WriteLine(result.Describe());
                string certificateFile = Path.Combine(directory, "cert.pem");
                Assert.True(result.Succeeded && File.Exists(certificateFile), fixture.Evidence($"{commonName} got no certificate\n{result.Describe()}"));
                await fixture.AssertChainsToUpstreamAsync(certificateFile, result.Describe());
                await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, certificateFile);
                Assert.True(
                    fixture.Upstream.IssuedTo(commonName) == 1,
                    fixture.Evidence($"scepserver issued {fixture.Upstream.IssuedTo(commonName)} certificates to {commonName}, not one:\n{string.Join('\n', fixture.Upstream.Issued())}"));
            }

            using var frontAdmin = FrontBroker.NewAdminClient(fixture.Server);
            var inventory = await frontAdmin.ListCertificatesAsync(Prefix);
            Assert.Equal(Devices, inventory.Count);
            Assert.Equal(Devices, inventory.Select(c => c.GetProperty("subject").GetString()).Distinct().Count());
            Assert.Equal(Devices, fixture.Upstream.Issued().Count(e => e.Subject.Contains(Prefix, StringComparison.Ordinal)));
            await AssertFrontQueueAsync("issued", "issued", lastErrorExpected: false);
        }
        finally
        {
            if (!fixture.Upstream.IsRunning)
            {
                await fixture.Upstream.StartAsync();
            }

            foreach (var device in devices)
            {
                await device.Process.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// What the admin sees in the front broker's queue: one request per device in <paramref name="status"/>, each
    /// with its upstream state, and the error that kept it from the upstream while that was down.
    /// </summary>
    private async Task AssertFrontQueueAsync(string status, string upstreamState, bool lastErrorExpected)
    {
        using var admin = FrontBroker.NewAdminClient(fixture.Server);
        var queued = await admin.ListRequestsAsync(status, Prefix);
        output.WriteLine($"Front request queue ({status}):\n{InventoryChecks.Json(queued)}");
        Assert.True(queued.Count == Devices, fixture.Evidence($"The front queue lists {queued.Count} {status} requests, not {Devices}: {InventoryChecks.Json(queued)}"));
        foreach (var request in queued)
        {
            var upstream = request.GetProperty("upstream");
            Assert.Equal(upstreamState, upstream.GetProperty("state").GetString());
            string? lastError = upstream.GetProperty("lastError").GetString();
            Assert.True(!lastErrorExpected || !string.IsNullOrEmpty(lastError), $"No last error shown for a request the upstream never got: {request.GetRawText()}");
        }
    }

    /// <summary>scepclient as a running process, so the test can watch it report PENDING while it waits.</summary>
    private ExternalProcess StartScepClient(string commonName, string directory) =>
        ExternalProcess.Start(
            "scepclient",
            [
                "-server-url", fixture.DeviceUrl,
                "-challenge", ServerFixture.Challenge,
                "-private-key", Path.Combine(directory, "key.pem"),
                "-certificate", Path.Combine(directory, "cert.pem"),
                "-cn", commonName,
                "-debug",
            ],
            directory);

    private async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> evidence)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail(fixture.Evidence(evidence()));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static string Describe(IEnumerable<(string CommonName, string Directory, ExternalProcess Process)> devices) =>
        string.Join('\n', devices.Select(d => $"--- {d.CommonName} ({(d.Process.HasExited ? "exited" : "running")}) ---\n{d.Process.StandardError}{d.Process.StandardOutput}"));
}

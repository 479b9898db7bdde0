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
        await fixture.Upstream.StopAsync();
        try
        {
            await using var devices = await WaitingDevices.StartAsync(fixture, Prefix, Devices);

            // While the CA is down every device has been told PENDING and keeps waiting; none was refused.
            await devices.AssertAllWaitingAsync(fixture, PendingTimeout);
            Assert.DoesNotContain(fixture.Upstream.Issued(), e => e.Subject.Contains(Prefix, StringComparison.Ordinal));
            await AssertFrontQueueAsync("pending", "pending", lastErrorExpected: true);

            await fixture.Upstream.StartAsync();

            foreach (var device in await devices.WaitAllAsync(ClientTimeout))
            {
                output.WriteLine(device.Result.Describe());
                Assert.True(device.GotCertificate, fixture.Evidence($"{device.CommonName} got no certificate\n{device.Result.Describe()}"));
                await fixture.AssertChainsToUpstreamAsync(device.CertificateFile, device.Result.Describe());
                await InventoryChecks.AssertInFrontInventoryAsync(fixture, device.CommonName, device.CertificateFile);
                Assert.True(
                    fixture.Upstream.IssuedTo(device.CommonName) == 1,
                    fixture.Evidence($"scepserver issued {fixture.Upstream.IssuedTo(device.CommonName)} certificates to {device.CommonName}, not one:\n{string.Join('\n', fixture.Upstream.Issued())}"));
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
}

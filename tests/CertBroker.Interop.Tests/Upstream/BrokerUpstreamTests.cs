using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>
/// The broker in front of another CertBroker that hands out one-time passwords and queues every request for its admin,
/// as an NDES with a password cache in front of a CA manager approval would. The admin asks the FRONT's mscep_admin
/// page for a password (the front fetches it from the upstream's page), the device enrols and waits PENDING, the
/// upstream's admin approves in the upstream's queue, the front's polling job collects the certificate, and the
/// device's next poll gets it.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class BrokerUpstreamTests(BrokerUpstreamFixture fixture, ITestOutputHelper output) : IClassFixture<BrokerUpstreamFixture>
{
    private static readonly TimeSpan QueueTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PickUpTimeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task ScepClient_OneTimePasswordAndUpstreamApproval_GetsCertificateOnItsNextPoll()
    {
        const string commonName = "front-otp-scepclient";
        using var frontAdmin = fixture.NewFrontAdminClient();
        using var upstreamAdmin = fixture.NewUpstreamAdminClient();
        string password = await frontAdmin.MscepAdminPasswordAsync(FrontBroker.Profile);
        string directory = fixture.NewWorkDirectory(commonName);
        await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));

        // scepclient re-sends every 30 s while PENDING: one re-send after the approval reached the front is enough.
        Task<ScepClientRun> run = ScepClientDriver.RunAsync(fixture.DeviceUrl, password, directory, commonName, TimeSpan.FromSeconds(100));
        (long id, _) = await upstreamAdmin.WaitForPendingAsync(commonName, QueueTimeout, () => fixture.Evidence("upstream queue"));
        Assert.False(run.IsCompleted, fixture.Evidence("scepclient stopped although its request waits for the upstream's admin"));
        await AssertFrontShowsWaitingUpstreamAsync(frontAdmin, commonName);
        await upstreamAdmin.ApproveAsync(id);
        await InventoryChecks.WaitForFrontInventoryAsync(fixture, commonName, PickUpTimeout);

        ScepClientRun done = await run;
        output.WriteLine(done.Process.Describe());
        Assert.True(done.Process.Succeeded && done.CertificateWritten, fixture.Evidence(done.Process.Describe()));
        Assert.Contains("pkiStatus=PENDING", done.Process.StandardError, StringComparison.Ordinal);
        await fixture.AssertChainsToUpstreamAsync(done.CertificateFile, done.Process.Describe());
        await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, done.CertificateFile);
        await AssertUpstreamIssuedOnceAsync(upstreamAdmin, commonName);
    }

    [Fact]
    public async Task Certmonger_OneTimePasswordAndUpstreamApproval_ResubmitReachesMonitoring()
    {
        const string commonName = "front-otp-certmonger";
        using var frontAdmin = fixture.NewFrontAdminClient();
        using var upstreamAdmin = fixture.NewUpstreamAdminClient();
        string password = await frontAdmin.MscepAdminPasswordAsync(FrontBroker.Profile);
        await using var certmonger = await CertmongerDriver.StartAsync();
        await certmonger.AddScepCaAsync("front", fixture.DeviceUrl);

        CertmongerRun pending = await certmonger.RequestAsync("front", "otp", "CN=" + commonName, password, TimeSpan.FromSeconds(10));
        output.WriteLine(pending.Describe());
        Assert.True(pending.State.Status == "CA_WORKING", fixture.Evidence(pending.Describe() + "\n" + certmonger.DaemonLog));
        (long id, _) = await upstreamAdmin.WaitForPendingAsync(commonName, QueueTimeout, () => fixture.Evidence("upstream queue"));
        await AssertFrontShowsWaitingUpstreamAsync(frontAdmin, commonName);
        await upstreamAdmin.ApproveAsync(id);
        await InventoryChecks.WaitForFrontInventoryAsync(fixture, commonName, PickUpTimeout);

        CertmongerRun issued = await certmonger.ResubmitAsync("otp", TimeSpan.FromSeconds(30));
        output.WriteLine(issued.Describe());
        Assert.True(issued.Issued, fixture.Evidence(issued.Describe() + "\n" + certmonger.DaemonLog));
        await fixture.AssertChainsToUpstreamAsync(issued.CertificateFile, issued.Describe());
        Assert.Equal(await OpenSsl.ReadPublicKeyOfPrivateKeyAsync(issued.KeyFile), (await OpenSsl.ReadCertificateAsync(issued.CertificateFile)).PublicKeySha256);
        await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, issued.CertificateFile);
        await AssertUpstreamIssuedOnceAsync(upstreamAdmin, commonName);
    }

    [Fact]
    public async Task StrongSwanPki_OneTimePasswordAndUpstreamApproval_CertPollGetsCertificate()
    {
        const string commonName = "front-otp-pki";
        using var frontAdmin = fixture.NewFrontAdminClient();
        using var upstreamAdmin = fixture.NewUpstreamAdminClient();
        string password = await frontAdmin.MscepAdminPasswordAsync(FrontBroker.Profile);
        string directory = fixture.NewWorkDirectory("pki-otp");
        StrongSwanCaFiles ca = await StrongSwanDriver.FetchCaAsync(fixture.DeviceUrl, directory);
        string keyFile = Path.Combine(directory, "key.pem");
        await StrongSwanDriver.GenerateKeyAsync(keyFile);

        // pki polls with CertPoll every 2 s for at most 30 s: the approval and the front's pick-up fit in that.
        Task<StrongSwanRun> run = StrongSwanDriver.EnrolAsync(
            fixture.DeviceUrl, ca, keyFile, "CN=" + commonName, password, StrongSwanCipher.Aes, Path.Combine(directory, "cert.pem"));
        (long id, _) = await upstreamAdmin.WaitForPendingAsync(commonName, QueueTimeout, () => fixture.Evidence("upstream queue"));
        await upstreamAdmin.ApproveAsync(id);

        StrongSwanRun done = await run;
        output.WriteLine(done.Process.Describe());
        Assert.True(done.CertificateWritten, fixture.Evidence(done.Process.Describe()));
        await fixture.AssertChainsToUpstreamAsync(done.CertificateFile, done.Process.Describe());
        await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, done.CertificateFile);
        await AssertUpstreamIssuedOnceAsync(upstreamAdmin, commonName);
    }

    [Fact]
    public async Task StrongSwanPki_UpstreamAdminRejects_EndsWithFailure()
    {
        const string commonName = "front-otp-rejected";
        using var frontAdmin = fixture.NewFrontAdminClient();
        using var upstreamAdmin = fixture.NewUpstreamAdminClient();
        string password = await frontAdmin.MscepAdminPasswordAsync(FrontBroker.Profile);
        string directory = fixture.NewWorkDirectory("pki-otp-rejected");
        StrongSwanCaFiles ca = await StrongSwanDriver.FetchCaAsync(fixture.DeviceUrl, directory);
        string keyFile = Path.Combine(directory, "key.pem");
        await StrongSwanDriver.GenerateKeyAsync(keyFile);

        Task<StrongSwanRun> run = StrongSwanDriver.EnrolAsync(
            fixture.DeviceUrl, ca, keyFile, "CN=" + commonName, password, StrongSwanCipher.Des3, Path.Combine(directory, "cert.pem"));
        (long id, _) = await upstreamAdmin.WaitForPendingAsync(commonName, QueueTimeout, () => fixture.Evidence("upstream queue"));
        await upstreamAdmin.RejectAsync(id, "Interop test: the upstream's admin says no.");

        StrongSwanRun done = await run;
        output.WriteLine(done.Process.Describe());
        Assert.False(done.Process.TimedOut, fixture.Evidence("pki kept polling after the upstream refused\n" + done.Process.Describe()));
        Assert.NotEqual(0, done.Process.ExitCode);
        Assert.False(done.CertificateWritten, "pki printed a certificate the upstream refused");
        Assert.Empty(await frontAdmin.ListCertificatesAsync(commonName));
    }

    [Fact]
    public async Task ScepClient_OneTimePasswordUsedTwice_SecondDeviceRefusedByFront()
    {
        using var frontAdmin = fixture.NewFrontAdminClient();
        using var upstreamAdmin = fixture.NewUpstreamAdminClient();
        string password = await frontAdmin.MscepAdminPasswordAsync(FrontBroker.Profile);
        string firstDirectory = fixture.NewWorkDirectory("otp-first");
        string secondDirectory = fixture.NewWorkDirectory("otp-second");
        await fixture.Keys.TakeAsync(Path.Combine(firstDirectory, "key.pem"));
        await fixture.Keys.TakeAsync(Path.Combine(secondDirectory, "key.pem"));

        // The first device's request waits at the upstream (its scepclient is stopped after the check), the second
        // device tries the same password.
        Task<ScepClientRun> first = ScepClientDriver.RunAsync(fixture.DeviceUrl, password, firstDirectory, "front-otp-first", TimeSpan.FromSeconds(20));
        await upstreamAdmin.WaitForPendingAsync("front-otp-first", QueueTimeout, () => fixture.Evidence("upstream queue"));
        ScepClientRun second = await ScepClientDriver.RunAsync(fixture.DeviceUrl, password, secondDirectory, "front-otp-second", TimeSpan.FromSeconds(20));
        output.WriteLine(second.Process.Describe());
        output.WriteLine((await first).Process.Describe());

        Assert.False(second.Process.TimedOut, fixture.Evidence("The second device was told PENDING with a used password\n" + second.Process.Describe()));
        Assert.NotEqual(0, second.Process.ExitCode);
        Assert.False(second.CertificateWritten, "A second device got a certificate with a used one-time password");
        Assert.Empty(await upstreamAdmin.ListRequestsAsync("all", "front-otp-second"));
    }

    /// <summary>
    /// The front's queue shows the request as sent upstream and waiting there (upstream state <c>submitted</c>). The
    /// upstream queues the request before its PENDING reply reaches the front, so this waits for the front to record it.
    /// </summary>
    private async Task AssertFrontShowsWaitingUpstreamAsync(AdminApiClient frontAdmin, string commonName)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<System.Text.Json.JsonElement> queued;
        while (true)
        {
            queued = await frontAdmin.ListRequestsAsync("pending", commonName);
            bool submitted = queued.Count == 1 && queued[0].GetProperty("upstream").GetProperty("state").GetString() == "submitted";
            if (submitted || clock.Elapsed > QueueTimeout)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        output.WriteLine("Front queue while the upstream waits for its admin:\n" + InventoryChecks.Json(queued));
        Assert.True(
            queued.Count == 1 && queued[0].GetProperty("upstream").GetProperty("state").GetString() == "submitted",
            fixture.Evidence($"The front queue does not show '{commonName}' waiting at the upstream: {InventoryChecks.Json(queued)}"));
    }

    /// <summary>However often the device and the front polled, the upstream issued one certificate for the device.</summary>
    private async Task AssertUpstreamIssuedOnceAsync(AdminApiClient upstreamAdmin, string commonName)
    {
        var issued = await upstreamAdmin.ListCertificatesAsync(commonName);
        Assert.True(issued.Count == 1, fixture.Evidence($"The upstream issued {issued.Count} certificates for '{commonName}': {InventoryChecks.Json(issued)}"));
    }

    [Fact]
    public async Task MscepAdminPage_FrontProfile_GivesNewNdesFormatPasswordOnEveryLoad()
    {
        using var frontAdmin = fixture.NewFrontAdminClient();

        string first = await frontAdmin.MscepAdminPasswordAsync(FrontBroker.Profile);
        string second = await frontAdmin.MscepAdminPasswordAsync(FrontBroker.Profile);

        // NDES format: 16 upper-case hex characters, a new one on every load.
        Assert.Matches("^[0-9A-F]{16}$", first);
        Assert.NotEqual(first, second);
    }
}

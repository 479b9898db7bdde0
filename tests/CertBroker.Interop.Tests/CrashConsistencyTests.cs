using System.Text.Json;
using System.Text.RegularExpressions;
using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

/// <summary>
/// The broker dies by SIGKILL while a fleet enrols, and comes back on the same data directory: no certificate a device
/// holds is missing from the store or the inventory, none is issued twice, and each device's re-sent transaction gets
/// the certificate it already has, or its first one if the reply was lost with the process.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class CrashConsistencyTests(AdminCertBrokerFixture fixture, ITestOutputHelper output) : IClassFixture<AdminCertBrokerFixture>
{
    private const int Clients = 32;
    private const string Prefix = "crash-device-";

    // A client still talking to the dead broker fails at once (connection reset or refused); these only bound a hang.
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan KillDeadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Enrol_BrokerKilledWhileThirtyTwoClientsEnrol_NoCertificateLostOrIssuedTwice()
    {
        await fixture.Keys.PrepareAsync(Clients);
        var directories = new List<string>();
        for (var i = 0; i < Clients; i++)
        {
            var directory = fixture.NewWorkDirectory($"crash-{i:D2}");
            await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));
            directories.Add(directory);
        }

        // The kill point varies from run to run on purpose: every assertion below must hold wherever it falls.
        int killAfter = Random.Shared.Next(1, 7);
        var url = fixture.Server.Url("/scep");
        var trigger = CrashTrigger.KillWhenHeld(fixture.Server, directories.Select(d => Path.Combine(d, "cert.pem")).ToList(), killAfter, KillDeadline);
        var firstRuns = directories.Select((directory, i) => ScepClientDriver.RunAsync(url, ServerFixture.Challenge, directory, CommonName(i), ClientTimeout)).ToList();
        int heldAtKill = await trigger;
        await fixture.Server.CrashAsync();
        var first = await Task.WhenAll(firstRuns);

        // What each device holds: a reply that was on the wire when the process died still counts.
        var held = new Dictionary<int, string>();
        for (var i = 0; i < Clients; i++)
        {
            if (first[i].CertificateWritten)
            {
                held[i] = CrashTrigger.SerialOf(first[i].CertificateFile);
                // Without cert.pem scepclient sends PKCSReq again, from the same key, so with the same transactionID.
                File.Move(first[i].CertificateFile, Path.Combine(directories[i], "first.pem"));
            }
        }

        output.WriteLine($"Killed when {heldAtKill} clients had a certificate (aimed at {killAfter}); {held.Count} of {Clients} hold one now.");
        using (var asLeft = BrokerDatabase.OpenCopy(fixture.Server.DataDirectory, fixture.Files.Sub("database-as-killed")))
        {
            Assert.Equal("ok", asLeft.IntegrityCheck());
            // More than the devices hold means some replies died with the process: the re-sends below must get those.
            output.WriteLine($"The database as the kill left it holds {asLeft.Count("SELECT COUNT(*) FROM certificates WHERE transaction_id IS NOT NULL")} certificates.");
        }

        await fixture.Server.RestartAsync();
        var second = await Task.WhenAll(directories.Select((directory, i) =>
            ScepClientDriver.RunAsync(url, ServerFixture.Challenge, directory, CommonName(i), ClientTimeout)));

        using var admin = fixture.NewAdminClient();
        var stored = await admin.ListCertificatesAsync(Prefix);
        var devices = await admin.ListDevicesAsync(Prefix);
        var serials = new HashSet<string>();
        for (var i = 0; i < Clients; i++)
        {
            var describe = $"{CommonName(i)}, first run:\n{first[i].Process.Describe()}\nre-sent:\n{second[i].Process.Describe()}";
            Assert.True(second[i].Process.Succeeded && second[i].CertificateWritten, IssuedCertificate.Evidence(fixture, $"The re-sent transaction got no certificate\n{describe}"));
            var resent = CrashTrigger.SerialOf(second[i].CertificateFile);
            var transactionId = TransactionIdOf(second[i]);
            var firstId = TransactionIdOf(first[i]);
            Assert.True(firstId is null || firstId == transactionId, $"The re-run sent transactionID {transactionId}, not {firstId}\n{describe}");
            if (held.TryGetValue(i, out var had))
            {
                Assert.True(Same(had, resent), IssuedCertificate.Evidence(fixture, $"The device held {had} but its re-sent transaction got {resent}\n{describe}"));
            }

            Assert.True(serials.Add(CrashTrigger.Normalize(resent)), $"Serial {resent} went to two devices\n{describe}");
            var entry = stored.SingleOrDefault(c => Same(c.GetProperty("serial").GetString(), resent));
            Assert.True(entry.ValueKind == JsonValueKind.Object, IssuedCertificate.Evidence(fixture, $"Certificate {resent} is not in the store: {Json(stored)}\n{describe}"));
            Assert.Contains("CN=" + CommonName(i), entry.GetProperty("subject").GetString(), StringComparison.Ordinal);
            Assert.Equal(transactionId, entry.GetProperty("transactionId").GetString());
            var device = entry.GetProperty("deviceId");
            Assert.True(device.ValueKind == JsonValueKind.Number, $"Certificate {resent} is linked to no device: {entry.GetRawText()}");
            Assert.True(
                devices.Any(d => d.GetProperty("id").GetInt64() == device.GetInt64() && Same(d.GetProperty("certificateSerial").GetString(), resent)),
                $"No device in the inventory shows certificate {resent}: {Json(devices)}");
        }

        // Nothing beyond what the devices hold: one certificate per transaction, however the kill fell.
        Assert.True(stored.Count == Clients, $"The store lists {stored.Count} certificates for {Clients} devices: {Json(stored)}");
        using var database = BrokerDatabase.OpenReadOnly(fixture.Server.DataDirectory);
        Assert.Equal("ok", database.IntegrityCheck());
        Assert.Equal(Clients, database.Count("SELECT COUNT(DISTINCT serial) FROM certificates WHERE transaction_id IS NOT NULL"));
        Assert.Equal(Clients, database.Count("SELECT COUNT(*) FROM certificates WHERE transaction_id IS NOT NULL"));
        Assert.Equal(Clients, database.Count("SELECT COUNT(DISTINCT transaction_id) FROM transactions"));
        Assert.Equal(Clients, database.Count(
            "SELECT COUNT(*) FROM transactions t JOIN certificates c ON c.serial = t.certificate_serial AND c.transaction_id = t.transaction_id WHERE t.state = 1"));
    }

    private static string CommonName(int i) => $"{Prefix}{i:D2}";

    // scepclient -debug logs the transactionID it derived from the key; a run cut off before the CSR logged none.
    private static string? TransactionIdOf(ScepClientRun run) =>
        Regex.Match(run.Process.StandardError, "transaction_id=\"(?<id>[^\"]+)\"", RegexOptions.None, TimeSpan.FromSeconds(1)) is { Success: true } match
            ? match.Groups["id"].Value
            : null;

    // .NET prints upper-case hex with a leading zero byte when the top bit is set; the inventory may differ in both.
    private static bool Same(string? listed, string held) => listed is not null && CrashTrigger.Normalize(listed) == CrashTrigger.Normalize(held);

    private static string Json(IEnumerable<JsonElement> elements) => "[" + string.Join(",\n", elements.Select(e => e.GetRawText())) + "]";
}

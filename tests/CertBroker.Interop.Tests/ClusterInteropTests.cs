using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

/// <summary>
/// Two broker nodes on one PostgreSQL behind nginx, with real scepclient processes: the shared state is shared, a
/// one-time password works once across nodes, a lockout counts guesses made at either node, a revocation on one node
/// is in the other's CRL, and a node killed in the middle of a fleet's enrolments loses nothing and issues nothing twice.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
[Collection(ClusterCollection.Name)]
public sealed class ClusterInteropTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Enrol_ThroughTheBalancer_BothNodesIssueAndEveryCertificateIsStoredOnce()
    {
        const int devices = 8;
        var runs = await Task.WhenAll(Enumerable.Range(0, devices).Select(i => EnrolAsync(fixture.BalancerUrl("/scep"), ServerFixture.Challenge, $"lb-device-{i}")));

        foreach (var run in runs)
        {
            Assert.True(run.Process.Succeeded && run.CertificateWritten, Evidence(run.Process.Describe()));
        }

        var upstreams = File.ReadAllLines(fixture.Balancer.AccessLog)
            .Where(l => l.Contains("PKIOperation", StringComparison.Ordinal))
            .Select(l => Regex.Match(l, "upstream=(?<u>\\S+)", RegexOptions.None, TimeSpan.FromSeconds(1)).Groups["u"].Value)
            .Distinct()
            .ToList();
        Assert.True(upstreams.Count >= 2, $"nginx sent every PKIOperation to one node: {string.Join(", ", upstreams)}");
        Assert.Equal(devices, await fixture.CountAsync("SELECT count(DISTINCT serial) FROM certificates WHERE subject LIKE '%lb-device-%'"));
        Assert.Equal(devices, await fixture.CountAsync("SELECT count(*) FROM certificates WHERE subject LIKE '%lb-device-%'"));
    }

    [Fact]
    public async Task Readiness_BothNodesAndThroughTheBalancer_Answer200Ready()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var url in new[] { fixture.NodeA.Url("/health/ready"), fixture.NodeB.Url("/health/ready"), fixture.BalancerUrl("/health/ready") })
        {
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK && body.Trim() == "ready", Evidence($"{url} answered {(int)response.StatusCode} {body}"));
        }
    }

    [Fact]
    public async Task Haproxy_ShippedConfiguration_TakesADeadNodeOutAndKeepsEnrolling()
    {
        // HAProxy checks GET /health/ready on each node; with node B killed, enrolments through it go on on node A.
        var directory = fixture.NewWorkDirectory("haproxy");
        var port = ServerProcess.FindFreePort();
        var shipped = await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.RepositoryRoot, "deploy", "haproxy", "certbroker-cluster.cfg"));
        var config = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, shipped
            .Replace("bind :8080", $"bind 127.0.0.1:{port}", StringComparison.Ordinal)
            .Replace("server node1 127.0.0.1:5001", $"server node1 127.0.0.1:{fixture.NodeA.BaseAddress.Port}", StringComparison.Ordinal)
            .Replace("server node2 127.0.0.1:5002", $"server node2 127.0.0.1:{fixture.NodeB.BaseAddress.Port}", StringComparison.Ordinal));
        await using var haproxy = ExternalProcess.Start("/usr/sbin/haproxy", ["-f", config, "-db"], directory);
        var url = $"http://127.0.0.1:{port}/scep";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await WaitUntilAsync(async () => (await http.GetAsync(url + "?operation=GetCACaps")).IsSuccessStatusCode, "HAProxy answering");

        var before = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => EnrolAsync(url, ServerFixture.Challenge, $"haproxy-before-{i}")));
        await fixture.NodeB.CrashAsync();
        try
        {
            var after = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => EnrolAsync(url, ServerFixture.Challenge, $"haproxy-after-{i}")));
            foreach (var run in before.Concat(after))
            {
                Assert.True(run.Process.Succeeded && run.CertificateWritten, Evidence($"{run.Process.Describe()}\n--- haproxy ---\n{haproxy.StandardOutput}{haproxy.StandardError}"));
            }

            Assert.Contains("node2", haproxy.StandardOutput + haproxy.StandardError, StringComparison.Ordinal);
            Assert.Equal(10, await fixture.CountAsync("SELECT count(*) FROM certificates WHERE subject LIKE '%haproxy-%'"));
        }
        finally
        {
            await fixture.NodeB.RestartAsync();
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        Assert.Fail($"Not reached within 20 s: {what}");
    }

    [Fact]
    public async Task OneTimePassword_FromNodeA_UsedOnceThroughEachNode_OneSucceeds()
    {
        using var admin = fixture.NewAdminClient(fixture.NodeA);
        using var http = new HttpClient { BaseAddress = fixture.NodeA.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{ClusterFixture.AdminUser}:{ClusterFixture.AdminPassword}")));
        var response = await http.PostAsJsonAsync("api/v1/challenges", new { profile = "mfd" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var password = JsonDocument.Parse(body).RootElement.GetProperty("password").GetString()!;

        var runs = await Task.WhenAll(
            EnrolAsync(fixture.NodeA.Url("/scep/mfd"), password, "otp-node-a"),
            EnrolAsync(fixture.NodeB.Url("/scep/mfd"), password, "otp-node-b"));

        var succeeded = runs.Count(r => r.Process.Succeeded && r.CertificateWritten);
        Assert.True(succeeded == 1, Evidence($"{succeeded} of 2 enrolments succeeded with one one-time password\n{runs[0].Process.Describe()}\n{runs[1].Process.Describe()}"));
        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM certificates WHERE subject LIKE '%otp-node-%'"));
        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM audit_events WHERE action = 'challenge.used'"));
    }

    [Fact]
    public async Task ChallengeLockout_GuessesSpreadOverBothNodes_LockTheSourceOutOnBoth()
    {
        // Half the guesses at each node, directly: neither alone reaches the threshold.
        for (var i = 0; i < ClusterFixture.LockoutThreshold; i++)
        {
            var node = i % 2 == 0 ? fixture.NodeA : fixture.NodeB;
            var guess = await EnrolAsync(node.Url("/scep/locked"), $"wrong-guess-{i}", $"guess-{i}");
            Assert.False(guess.CertificateWritten, "a wrong challenge password was accepted");
        }

        // The right password is refused now, on either node and through the balancer.
        foreach (var url in new[] { fixture.NodeA.Url("/scep/locked"), fixture.NodeB.Url("/scep/locked"), fixture.BalancerUrl("/scep/locked") })
        {
            var run = await EnrolAsync(url, ClusterFixture.LockedChallenge, "locked-out-device");
            Assert.False(run.CertificateWritten, Evidence($"{url} issued to a locked-out source\n{run.Process.Describe()}"));
        }

        Assert.True(await fixture.CountAsync("SELECT count(*) FROM audit_events WHERE action = 'challenge.source-locked-out'") >= 1, Evidence("no lockout was audited"));
    }

    [Fact]
    public async Task Revocation_OnNodeA_IsInNodeBsCrlWithinSeconds()
    {
        var run = await EnrolAsync(fixture.NodeB.Url("/scep"), ServerFixture.Challenge, "crl-device");
        Assert.True(run.Process.Succeeded && run.CertificateWritten, Evidence(run.Process.Describe()));
        using var certificate = OpenSsl.Load(run.CertificateFile);
        var serial = certificate.SerialNumber;

        using var admin = fixture.NewAdminClient(fixture.NodeA);
        await admin.RevokeCertificateAsync(serial, "keyCompromise");

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string text;
        do
        {
            var crl = await http.GetByteArrayAsync(fixture.NodeB.Url("/crl"));
            var file = Path.Combine(fixture.NewWorkDirectory("crl"), "crl.der");
            await File.WriteAllBytesAsync(file, crl);
            var parsed = await ExternalProcess.RunAsync("openssl", ["crl", "-inform", "DER", "-in", file, "-noout", "-text"], TimeSpan.FromSeconds(20));
            Assert.True(parsed.Succeeded, parsed.Describe());
            text = parsed.StandardOutput;
            if (text.Contains(serial.TrimStart('0'), StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail(Evidence($"Serial {serial}, revoked on node A, is not in node B's CRL after 15 s:\n{text}"));
    }

    [Fact]
    public async Task NodeKilled_WhileThirtyTwoClientsEnrolThroughTheBalancer_NoCertificateLostOrIssuedTwice()
    {
        const int clients = 32;
        const string prefix = "cluster-crash-";
        await fixture.Keys.PrepareAsync(clients);
        var directories = new List<string>();
        for (var i = 0; i < clients; i++)
        {
            var directory = fixture.NewWorkDirectory($"cluster-crash-{i:D2}");
            await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));
            directories.Add(directory);
        }

        var url = fixture.BalancerUrl("/scep");
        var certificateFiles = directories.Select(d => Path.Combine(d, "cert.pem")).ToList();
        var killAfter = Random.Shared.Next(1, 7);
        var trigger = CrashTrigger.KillWhenHeld(fixture.NodeB, certificateFiles, killAfter, TimeSpan.FromSeconds(15));
        var first = await Task.WhenAll(directories.Select((d, i) => ScepClientDriver.RunAsync(url, ServerFixture.Challenge, d, $"{prefix}{i:D2}", ClientTimeout)));
        var heldAtKill = await trigger;

        var held = new Dictionary<int, string>();
        for (var i = 0; i < clients; i++)
        {
            if (first[i].CertificateWritten)
            {
                held[i] = CrashTrigger.SerialOf(first[i].CertificateFile);
                File.Move(first[i].CertificateFile, Path.Combine(directories[i], "first.pem"));
            }
        }

        output.WriteLine($"Node B killed when {heldAtKill} clients had a certificate (aimed at {killAfter}); {held.Count} of {clients} hold one now.");

        // Every client sends its transaction again through the balancer, which now only has node A.
        var second = await Task.WhenAll(directories.Select((d, i) => ScepClientDriver.RunAsync(url, ServerFixture.Challenge, d, $"{prefix}{i:D2}", ClientTimeout)));
        var serials = new HashSet<string>();
        for (var i = 0; i < clients; i++)
        {
            var describe = $"{prefix}{i:D2}, first run:\n{first[i].Process.Describe()}\nre-sent:\n{second[i].Process.Describe()}";
            Assert.True(second[i].Process.Succeeded && second[i].CertificateWritten, Evidence($"The re-sent transaction got no certificate\n{describe}"));
            var resent = CrashTrigger.SerialOf(second[i].CertificateFile);
            if (held.TryGetValue(i, out var had))
            {
                Assert.True(CrashTrigger.Normalize(had) == CrashTrigger.Normalize(resent), Evidence($"The device held {had} but its re-sent transaction got {resent}\n{describe}"));
            }

            Assert.True(serials.Add(CrashTrigger.Normalize(resent)), $"Serial {resent} went to two devices\n{describe}");
        }

        Assert.Equal(clients, await fixture.CountAsync($"SELECT count(*) FROM certificates WHERE subject LIKE '%{prefix}%'"));
        Assert.Equal(clients, await fixture.CountAsync($"SELECT count(DISTINCT serial) FROM certificates WHERE subject LIKE '%{prefix}%'"));
        Assert.Equal(clients, await fixture.CountAsync(
            $"SELECT count(*) FROM transactions t JOIN certificates c ON c.serial = t.certificate_serial AND c.transaction_id = t.transaction_id WHERE t.state = 1 AND c.subject LIKE '%{prefix}%'"));

        // Node B comes back on the same database and serves again.
        await fixture.NodeB.RestartAsync();
        var after = await EnrolAsync(fixture.NodeB.Url("/scep"), ServerFixture.Challenge, "after-restart");
        Assert.True(after.Process.Succeeded && after.CertificateWritten, Evidence(after.Process.Describe()));
    }

    [Fact]
    public async Task ScheduledJobs_OnBothNodes_EachScheduledFiringRunsOnOneNodeOnly()
    {
        // Both nodes schedule every job each minute on one clustered job store: over two minutes each job fires, and
        // no firing (a job at its scheduled time) runs on both.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        List<(string Job, string At, string Instance)> firings;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            firings = Firings(fixture.NodeA.Output).Concat(Firings(fixture.NodeB.Output)).ToList();
        }
        while (DateTime.UtcNow < deadline && firings.GroupBy(f => f.Job).Count(g => g.Select(f => f.At).Distinct().Count() >= 2) < 3);

        output.WriteLine(string.Join("\n", firings.Select(f => $"{f.Job} {f.At} {f.Instance}")));
        Assert.True(firings.GroupBy(f => f.Job).Count(g => g.Select(f => f.At).Distinct().Count() >= 2) >= 3,
            Evidence("fewer than three jobs fired twice within three minutes"));
        foreach (var firing in firings.GroupBy(f => (f.Job, f.At)))
        {
            Assert.True(firing.Count() == 1, Evidence($"{firing.Key.Job} scheduled for {firing.Key.At} ran {firing.Count()} times: {string.Join(", ", firing.Select(f => f.Instance))}"));
        }
    }

    private static IEnumerable<(string Job, string At, string Instance)> Firings(string log) =>
        Regex.Matches(log, """Job "?(?<job>[^"\s]+)"? fired for "?(?<at>[^"\s]+)"? on scheduler instance "?(?<instance>[^"\s]+)"?""", RegexOptions.None, TimeSpan.FromSeconds(5))
            .Select(m => (m.Groups["job"].Value, m.Groups["at"].Value, m.Groups["instance"].Value));

    private async Task<ScepClientRun> EnrolAsync(string url, string challenge, string commonName)
    {
        var directory = fixture.NewWorkDirectory(commonName);
        await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));
        var run = await ScepClientDriver.RunAsync(url, challenge, directory, commonName, ClientTimeout);
        output.WriteLine(run.Process.Describe());
        return run;
    }

    private string Evidence(string what)
    {
        static string Tail(string log) => log.Length > 4000 ? "...\n" + log[^4000..] : log;
        return $"{what}\n--- node A ---\n{Tail(fixture.NodeA.Output)}\n--- node B ---\n{Tail(fixture.NodeB.Output)}\n{Tail(fixture.Balancer.Output)}";
    }
}

/// <summary>The cluster tests share one cluster and run one after the other: the crash test kills a node.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}

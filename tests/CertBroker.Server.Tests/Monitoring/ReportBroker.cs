using CertBroker.Core.Accounts;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Monitoring;

/// <summary>
/// One broker on a fake clock with a small inventory, one certificate in each state (serials name them), a
/// monitoring token configured, and a Monitoring-role API token.
/// </summary>
public sealed class ReportBroker : IAsyncLifetime
{
    public const string MonitoringTokenSecret = "monitoring-token-for-tests-0123456789abcdef";

    private readonly BrokerFactory _factory = new();

    internal FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));

    public WebApplicationFactory<Program> Host { get; private set; } = null!;

    public string DataDir => _factory.DataDir;

    public string MonitoringRoleToken { get; private set; } = "";

    public long LabDeviceId { get; private set; }

    public DateTimeOffset Start { get; private set; }

    public async Task InitializeAsync()
    {
        _factory.Settings["CertBroker:Monitoring:Token"] = MonitoringTokenSecret;
        Host = _factory.WithWebHostBuilder(builder =>
        {
            InventorySeed.WithoutLifecycleJobs(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        });
        Host.CreateClient().Dispose();
        MonitoringRoleToken = await AdminHttp.CreateTokenAsync(Host.Services, Role.Monitoring, "prometheus");
        Start = Clock.GetUtcNow();
        DateTimeOffset now = Start;
        using var seed = new InventorySeed(DataDir);
        LabDeviceId = seed.AddDevice("printer-7", location: "Lab", owner: "Facilities");
        seed.Add(
            new SeedCertificate("0a01", now.AddDays(200))
            {
                Subject = "CN=valid.example",
                SubjectAltNames = """["DNS:valid.example","IP Address:192.0.2.7"]""",
                RenewalDueAt = now.AddDays(100),
                DeviceId = LabDeviceId,
            },
            new SeedCertificate("0a02", now.AddDays(60))
            {
                Subject = "CN=due.example",
                RenewalDueAt = now.AddDays(-2),
                LastRenewalAttemptAt = now.AddDays(-1),
                LastRenewalResult = "refused: the challenge password is wrong",
                Profile = "branch",
            },
            new SeedCertificate("0a03", now.AddDays(5).AddHours(1))
            {
                Subject = "=HYPERLINK(\"http://attacker\"),\"quoted\"",
                RenewalDueAt = now.AddDays(2),
                KeyAlgorithm = "EC",
                KeySize = 256,
                SignatureAlgorithm = "sha256ECDSA",
                Findings = ["WC-SIG-01", "WC-EC-01"],
            },
            new SeedCertificate("0a04", now.AddDays(-1)) { Subject = "CN=expired.example" },
            new SeedCertificate("0a05", now.AddDays(20)) { Subject = "CN=revoked.example", RevokedAt = now.AddDays(-3) },
            new SeedCertificate("0a06", now.AddDays(25)) { Subject = "CN=old \\ \"quoted\"\nline", SupersededBy = "0a01", KeySize = 1024, Findings = ["WC-RSA-01"] });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _factory.DisposeAsync();
    }
}

using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Monitoring;

/// <summary>
/// A broker on a fake clock with a 10-day series window capped at 2 certificates, and certificates of two profiles
/// spread over the days-left buckets; serials name where each ends (<c>d02h</c>: in 2 hours, <c>b40d</c>: profile
/// branch, in 40 days).
/// </summary>
public sealed class SeriesBroker : IAsyncLifetime
{
    public const string MonitoringTokenSecret = "series-token-for-tests-0123456789abcdef";

    private readonly BrokerFactory _factory = new();

    internal FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));

    public WebApplicationFactory<Program> Host { get; private set; } = null!;

    public Task InitializeAsync()
    {
        _factory.Settings["CertBroker:Monitoring:Token"] = MonitoringTokenSecret;
        _factory.Settings["CertBroker:Monitoring:CertificateSeriesWindowDays"] = "10";
        _factory.Settings["CertBroker:Monitoring:CertificateSeriesLimit"] = "2";
        Host = _factory.WithWebHostBuilder(builder =>
        {
            InventorySeed.WithoutLifecycleJobs(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        });
        Host.CreateClient().Dispose();
        DateTimeOffset now = Clock.GetUtcNow();
        using var seed = new InventorySeed(_factory.DataDir);
        seed.Add(
            new SeedCertificate("d02h", now.AddHours(2)),
            new SeedCertificate("d03d", now.AddDays(3)),
            // Exactly on a bucket bound and on the window's end: both are inclusive.
            new SeedCertificate("d07d", now.AddDays(7)),
            new SeedCertificate("d10d", now.AddDays(10)),
            new SeedCertificate("d12d", now.AddDays(12)),
            new SeedCertificate("d01r", now.AddDays(1)) { RevokedAt = now.AddDays(-1) },
            new SeedCertificate("d01s", now.AddDays(1)) { SupersededBy = "d12d" },
            new SeedCertificate("b20d", now.AddDays(20)) { Profile = "branch", RenewalDueAt = now.AddDays(5) },
            new SeedCertificate("b40d", now.AddDays(40)) { Profile = "branch", RenewalDueAt = now.AddDays(-1) },
            new SeedCertificate("b-2d", now.AddDays(-2)) { Profile = "branch" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _factory.DisposeAsync();
    }
}

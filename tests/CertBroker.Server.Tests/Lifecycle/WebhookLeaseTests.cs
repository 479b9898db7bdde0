using CertBroker.Core.Audit;
using CertBroker.Server.Hosting;
using CertBroker.Server.Tests.Support;
using CertBroker.Server.Webhooks;
using CertBroker.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Tests.Lifecycle;

/// <summary>With several nodes on one database, only the holder of the webhook lease delivers.</summary>
public sealed class WebhookLeaseTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private readonly HttpClient _http = new();
    private readonly WebhookOptions _settings = new() { Url = "http://127.0.0.1:9/hooks/" };
    private SqliteStores _stores = null!;

    public async Task InitializeAsync()
    {
        var options = new SqliteStoreOptions { DatabasePath = _data.File("certbroker.db") };
        await new SqliteMigrator(options, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None);
        _stores = new SqliteStores(options, NullLogger<SqliteDataSource>.Instance);
    }

    public Task DisposeAsync()
    {
        _stores.Dispose();
        _http.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task DeliverPendingAsync_LeaseHeldByAnotherNode_SendsNothingAndKeepsThePosition()
    {
        var leases = new SqliteLeaseStore(_stores.Source);
        Assert.True(await leases.TryAcquireAsync(WebhookQueue.LeaseName, "node-a", WebhookQueue.LeaseDuration, DateTimeOffset.UtcNow, CancellationToken.None));
        await _stores.Audit.AppendAsync(
            new AuditEvent { Time = DateTimeOffset.UtcNow, Action = AuditActions.CertificateExpired, Outcome = AuditOutcome.Success, Actor = "system", Target = "01" },
            CancellationToken.None);

        // The receiver's port is closed: a node that tried to deliver would wait and retry instead of returning.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        long position = await Queue("node-b").DeliverPendingAsync(0, _settings, timeout.Token);

        Assert.Equal(0, position);
        Assert.Null(await _stores.RenewalEvents.GetPositionAsync(WebhookQueue.ConsumerName, CancellationToken.None));
    }

    private WebhookQueue Queue(string node) => new(
        new WebhookSender(_http, Options.Create(_settings), TimeProvider.System, NullLogger<WebhookSender>.Instance),
        _stores.RenewalEvents, new SqliteLeaseStore(_stores.Source), new NodeIdentity(node), Options.Create(_settings), TimeProvider.System,
        NullLogger<WebhookQueue>.Instance);
}

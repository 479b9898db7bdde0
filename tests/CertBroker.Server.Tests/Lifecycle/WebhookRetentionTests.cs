using CertBroker.Core.Audit;
using CertBroker.Server.Hosting;
using CertBroker.Server.Tests.Support;
using CertBroker.Server.Webhooks;
using CertBroker.Storage.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Tests.Lifecycle;

/// <summary>
/// The webhook's delivery over a real SQLite audit trail whose retention (<c>Audit:MaxRecords</c>) removes events the
/// receiver has not had yet: the loss is logged, once, with the audit events it covers.
/// </summary>
public sealed class WebhookRetentionTests : IAsyncLifetime
{
    private const int MaxRecords = 1000;

    private readonly TempDirectory _data = new();
    private readonly HttpClient _http = new();
    private readonly WebhookOptions _settings = new() { Url = "http://127.0.0.1:9/hooks/" };
    private SqliteStores _stores = null!;

    public async Task InitializeAsync()
    {
        var options = new SqliteStoreOptions { DatabasePath = _data.File("certbroker.db") };
        await new SqliteMigrator(options, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None);
        _stores = new SqliteStores(options, NullLogger<SqliteDataSource>.Instance, new AuditOptions { MaxRecords = MaxRecords });
    }

    public Task DisposeAsync()
    {
        _stores.Dispose();
        _http.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task DeliverPendingAsync_RetentionRemovedEventsAfterThePosition_LogsTheLossOnce()
    {
        long position = await AppendAsync(1);
        await AppendAsync(MaxRecords + 200);
        long oldest = await _stores.RenewalEvents.OldestPositionAsync(CancellationToken.None);
        var log = new ListLogger<WebhookQueue>();
        WebhookQueue queue = Queue(log);

        Assert.Equal(position, await queue.DeliverPendingAsync(position, _settings, CancellationToken.None));
        Assert.Equal(position, await queue.DeliverPendingAsync(position, _settings, CancellationToken.None));

        (LogLevel level, string message) = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Error, level);
        Assert.Contains($"removed audit events {position + 1} to {oldest - 1} before the webhook delivered them", message);
    }

    [Fact]
    public async Task DeliverPendingAsync_MoreRemovedAfterTheFirstReport_ReportsOnlyTheNewLoss()
    {
        long position = await AppendAsync(1);
        await AppendAsync(MaxRecords + 200);
        long firstOldest = await _stores.RenewalEvents.OldestPositionAsync(CancellationToken.None);
        var log = new ListLogger<WebhookQueue>();
        WebhookQueue queue = Queue(log);
        await queue.DeliverPendingAsync(position, _settings, CancellationToken.None);

        await AppendAsync(300);
        long oldest = await _stores.RenewalEvents.OldestPositionAsync(CancellationToken.None);
        await queue.DeliverPendingAsync(position, _settings, CancellationToken.None);

        Assert.Equal(2, log.Entries.Count);
        Assert.Contains($"removed audit events {firstOldest} to {oldest - 1} before", log.Entries[1].Message);
    }

    [Fact]
    public async Task DeliverPendingAsync_NothingRemovedAfterThePosition_LogsNothing()
    {
        await AppendAsync(MaxRecords + 200);
        long position = await _stores.RenewalEvents.OldestPositionAsync(CancellationToken.None);
        var log = new ListLogger<WebhookQueue>();

        await Queue(log).DeliverPendingAsync(position, _settings, CancellationToken.None);

        Assert.Empty(log.Entries);
    }

    private WebhookQueue Queue(ListLogger<WebhookQueue> log) => new(
        new WebhookSender(_http, Options.Create(_settings), TimeProvider.System, NullLogger<WebhookSender>.Instance),
        _stores.RenewalEvents, new SqliteLeaseStore(_stores.Source), new NodeIdentity("test-node"), Options.Create(_settings), TimeProvider.System, log);

    /// <summary>Appends <paramref name="count"/> log-in events, none of them a lifecycle event; returns the last one's position.</summary>
    private async Task<long> AppendAsync(int count)
    {
        long last = 0;
        for (int i = 0; i < count; i++)
        {
            last = await _stores.Audit.AppendAsync(
                new AuditEvent { Time = DateTimeOffset.UtcNow, Action = AuditActions.Login, Outcome = AuditOutcome.Success, Actor = "admin" },
                CancellationToken.None);
        }

        return last;
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        private readonly List<(LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}

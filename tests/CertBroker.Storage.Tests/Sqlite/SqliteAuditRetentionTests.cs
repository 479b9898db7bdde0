using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>The audit retention cap, which is an option of the SQLite stores.</summary>
public sealed class SqliteAuditRetentionTests : IAsyncLifetime
{
    private readonly SqliteHarness _harness = new();

    public async Task InitializeAsync() => await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task SaveTransactionAsync_WithAuditEventsBeyondTheCap_KeepsTheNewest()
    {
        using var capped = new SqliteStores(_harness.Options, NullLogger<SqliteDataSource>.Instance, new AuditOptions { MaxRecords = 2 });

        foreach (string name in new[] { "one", "two", "three" })
        {
            await capped.Enrolments.SaveTransactionAsync(TestData.Transaction("tid-" + name, TransactionState.Failed), Event(name), CancellationToken.None);
        }

        Assert.Equal(["two", "three"], (await capped.Audit.ListAsync(new AuditQuery(), CancellationToken.None)).Select(e => e.Event.Details));
    }

    private static AuditEvent Event(string details) => new()
    {
        Time = TestData.Now,
        Action = AuditActions.EnrolmentIssued,
        Outcome = AuditOutcome.Success,
        Actor = "device",
        Details = details,
    };
}

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

    [Fact]
    public async Task AppendAsync_FloodOfNoise_EvictsOnlyNoiseAndKeepsEverySecurityEvent()
    {
        using var capped = new SqliteStores(_harness.Options, NullLogger<SqliteDataSource>.Instance, new AuditOptions { MaxRecords = 3, MaxNoiseRecords = 2 });
        await capped.Audit.AppendAsync(Event("account created") with { Action = AuditActions.AccountCreated }, CancellationToken.None);
        await capped.Audit.AppendAsync(Event("token created") with { Action = AuditActions.TokenCreated }, CancellationToken.None);

        for (int i = 0; i < 50; i++)
        {
            await capped.Audit.AppendAsync(Event($"bad token {i}") with { Action = AuditActions.LoginFailed, Outcome = AuditOutcome.Failure }, CancellationToken.None);
        }

        await capped.Enrolments.SaveTransactionAsync(TestData.Transaction("tid-refused", TransactionState.Failed), Event("refused") with { Action = AuditActions.EnrolmentRejected }, CancellationToken.None);
        IReadOnlyList<StoredAuditEvent> kept = await capped.Audit.ListAsync(new AuditQuery(), CancellationToken.None);

        Assert.Equal(["account created", "token created", "bad token 49", "refused"], kept.Select(e => e.Event.Details));
        Assert.Equal(4, await capped.Audit.CountAsync(CancellationToken.None));
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

using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Renewal;

namespace CertBroker.Storage.Tests.Postgres;

/// <summary>
/// The renewal store on PostgreSQL when several broker nodes share the database: each node is a
/// <see cref="Storage.Postgres.PostgresStores"/> with a data source of its own, so they meet only in PostgreSQL's
/// locking. Certificates are seeded with plain SQL.
/// </summary>
public sealed class PostgresRenewalNodeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Issued = RenewalScenario.Issued;

    private readonly PostgresHarness _harness = new();

    public async Task InitializeAsync() => await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task SweepAsync_TwoNodesAtOnce_TransitionEachCertificateOnceWithOneAuditEvent()
    {
        var due = new List<string>();
        var overdue = new List<string>();
        var expired = new List<string>();
        for (int i = 0; i < 60; i++)
        {
            due.Add((await CertificateSeed.CertificateAsync(_harness, Issued.AddDays(365), Issued.AddDays(10).AddMinutes(i), issuedAt: Issued)).Serial);
            overdue.Add((await CertificateSeed.CertificateAsync(_harness, Issued.AddDays(365), Issued.AddDays(5).AddMinutes(i), issuedAt: Issued)).Serial);
            expired.Add((await CertificateSeed.CertificateAsync(_harness, Issued.AddDays(11).AddMinutes(-i - 1), Issued.AddDays(1), issuedAt: Issued)).Serial);
        }

        var nodes = new[] { new RenewalScenario(_harness.CreateStore()), new RenewalScenario(_harness.CreateStore()) };
        foreach (var node in nodes)
        {
            node.Clock.Advance(TimeSpan.FromDays(11));
            node.Schedule.BatchSize = 7;
        }

        using var start = new SemaphoreSlim(0);
        var sweeps = nodes.Select(node => Task.Run(async () =>
        {
            await start.WaitAsync();
            return await node.Sweep().SweepAsync(CancellationToken.None);
        })).ToArray();
        start.Release(nodes.Length);
        RenewalSweepResult[] results = await Task.WhenAll(sweeps);

        Assert.Equal((60, 60, 60), (results.Sum(r => r.Due), results.Sum(r => r.Overdue), results.Sum(r => r.Expired)));
        var trail = await _harness.CreateStore().Audit.ListAsync(new AuditQuery(), CancellationToken.None);
        var eventsBySerial = trail.Select(e => e.Event).GroupBy(e => e.Target!).ToDictionary(g => g.Key, g => g.Select(e => e.Action).ToArray());
        Assert.Equal(180, trail.Count);
        Assert.All(due, s => Assert.Equal([AuditActions.CertificateRenewalDue], eventsBySerial[s]));
        Assert.All(overdue, s => Assert.Equal([AuditActions.CertificateRenewalOverdue], eventsBySerial[s]));
        Assert.All(expired, s => Assert.Equal([AuditActions.CertificateExpired], eventsBySerial[s]));
        Assert.Equal(
            (60L, 60L, 60L),
            (await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(*) FROM certificates WHERE renewal_state = 1"),
             await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(*) FROM certificates WHERE renewal_state = 2"),
             await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(*) FROM certificates WHERE renewal_state = 3")));
    }

    [Fact]
    public async Task MarkDueAsync_EightCallersOverTwoNodes_MarkEveryDueCertificateExactlyOnce()
    {
        for (int i = 0; i < 100; i++)
        {
            await CertificateSeed.CertificateAsync(_harness, Issued.AddDays(365), Issued.AddDays(1).AddSeconds(i), issuedAt: Issued);
        }

        var nodes = new[] { _harness.CreateStore().Renewal, _harness.CreateStore().Renewal };
        var marked = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var mine = new List<RenewalTransition>();
            while (true)
            {
                var batch = await nodes[i % 2].MarkDueAsync(Issued.AddDays(2), 5, Audit, CancellationToken.None);
                mine.AddRange(batch);
                if (batch.Count == 0)
                {
                    return mine;
                }
            }
        })));

        var serials = marked.SelectMany(m => m).Select(t => t.Serial).ToList();
        Assert.Equal(100, serials.Count);
        Assert.Equal(100, serials.Distinct().Count());
        Assert.Equal(100L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(DISTINCT target) FROM audit_events WHERE action = @Action", new { Action = AuditActions.CertificateRenewalDue }));
        Assert.Equal(100L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(*) FROM audit_events"));
    }

    [Fact]
    public async Task TakeExpiryAlertsAsync_TwoNodesAtOnce_AlertEachCertificateOnce()
    {
        for (int i = 0; i < 40; i++)
        {
            await CertificateSeed.CertificateAsync(_harness, Issued.AddDays(20).AddMinutes(i), Issued.AddDays(300), issuedAt: Issued);
        }

        var nodes = new[] { _harness.CreateStore().Renewal, _harness.CreateStore().Renewal };
        var batches = await Task.WhenAll(nodes.Select(node => Task.Run(async () =>
        {
            int total = 0;
            while (true)
            {
                var batch = await node.TakeExpiryAlertsAsync(Issued, 30, 3, Audit, CancellationToken.None);
                total += batch.Count;
                if (batch.Count == 0)
                {
                    return total;
                }
            }
        })));

        Assert.Equal(40, batches.Sum());
        Assert.Equal(40L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(*) FROM certificates WHERE expiry_alert_days = 30"));
        Assert.Equal(40L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(DISTINCT target) FROM audit_events"));
        Assert.Equal(40L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(*) FROM audit_events"));
    }

    [Fact]
    public async Task SetRenewalDueAsync_PlannedTwice_KeepsTheFirstPlanAndListsNoneUnscheduled()
    {
        var first = await CertificateSeed.CertificateAsync(_harness, Issued.AddDays(100), dueAt: null, issuedAt: Issued);
        var second = await CertificateSeed.CertificateAsync(_harness, Issued.AddDays(100), dueAt: null, issuedAt: Issued);
        var renewal = _harness.CreateStore().Renewal;

        var unscheduled = await renewal.ListUnscheduledAsync(10, CancellationToken.None);
        Assert.Equal(2, unscheduled.Count);
        await renewal.SetRenewalDueAsync([.. unscheduled.Select(c => (c.CertificateId, Issued.AddDays(80)))], CancellationToken.None);
        await renewal.SetRenewalDueAsync([.. unscheduled.Select(c => (c.CertificateId, Issued.AddDays(90)))], CancellationToken.None);

        Assert.Empty(await renewal.ListUnscheduledAsync(10, CancellationToken.None));
        var dueTimes = await CertificateSeed.ScalarAsync<long[]>(_harness, "SELECT array_agg(DISTINCT renewal_due_at) FROM certificates");
        Assert.Equal([UnixMicrosecondsOf(Issued.AddDays(80))], dueTimes);
        Assert.NotEqual(first.Serial, second.Serial);
    }

    [Fact]
    public async Task MarkDueAsync_RevokedOrNotYetDue_StayValid()
    {
        var later = await CertificateSeed.CertificateAsync(_harness, Issued.AddDays(365), Issued.AddDays(30), issuedAt: Issued);
        var revoked = await CertificateSeed.CertificateAsync(_harness, Issued.AddDays(365), Issued.AddDays(5), issuedAt: Issued);
        var dueOne = await CertificateSeed.CertificateAsync(_harness, Issued.AddDays(365), Issued.AddDays(5), issuedAt: Issued);
        var stores = _harness.CreateStores();
        Assert.NotNull(await stores.Devices.RevokeAsync(revoked.Serial.ToUpperInvariant(), 1, Issued, RenewalScenario.Event(AuditActions.CertificateRevoked), CancellationToken.None));

        var marked = await stores.Renewal.MarkDueAsync(Issued.AddDays(10), 100, Audit, CancellationToken.None);

        RenewalTransition only = Assert.Single(marked);
        Assert.Equal((dueOne.Serial, RenewalState.Due, Issued.AddDays(5)), (only.Serial, only.State, only.RenewalDueAt));
        Assert.Equal(0L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT renewal_state FROM certificates WHERE serial = @Serial", new { later.Serial }));
    }

    private static long UnixMicrosecondsOf(DateTimeOffset value) => Storage.Rows.UnixMicroseconds.From(value);

    private static AuditEvent Audit(RenewalTransition transition) => RenewalScenario.Event(transition.State switch
    {
        RenewalState.Due => AuditActions.CertificateRenewalDue,
        RenewalState.Overdue => AuditActions.CertificateRenewalOverdue,
        RenewalState.Expired => AuditActions.CertificateExpired,
        _ => AuditActions.CertificateExpiryAlert,
    }) with { Target = transition.Serial };
}

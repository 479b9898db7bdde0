using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Policy;
using CertBroker.Core.Renewal;
using CertBroker.Core.Reports;
using CertBroker.Storage.Postgres;
using CertBroker.Storage.Rows;
using Npgsql;

namespace CertBroker.Storage.Tests.Postgres;

/// <summary>
/// The policy store, the expiry report and the renewal event log over certificates put in place by imports and plain
/// SQL, so they are tested on PostgreSQL without the enrolment store; and what only PostgreSQL does: cursor streaming,
/// positions that never go back, imports racing on two nodes.
/// </summary>
public sealed class PostgresInventoryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = TestData.Now;

    private static readonly Finding WeakKey = new("WC-KEY-01", FindingSeverity.Fail, "1024", "2048", "RSA key of 1024 bits, below 2048.");

    private static readonly Finding SharedKey = new("WC-KEY-04", FindingSeverity.Fail, "2", "1", "Key shared by 2 certificates.");

    private static readonly Finding Sha1 = new("WC-SIG-01", FindingSeverity.Warn, "sha1RSA", null, "Signed with SHA-1.");

    private readonly PostgresHarness _harness = new();

    private PostgresStores _stores = null!;

    public async Task InitializeAsync()
    {
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        _stores = _harness.CreateStores();
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task ReadExpiryReportAsync_CertificateInEveryState_ReportsEachStateAndCountsThem()
    {
        string valid = await ImportAsync(Now.AddDays(300));
        string due = await ImportAsync(Now.AddDays(300));
        string expiring = await ImportAsync(Now.AddDays(10));
        string expired = await ImportAsync(Now.AddDays(-1));
        string revoked = await ImportAsync(Now.AddDays(300));
        string superseded = await ImportAsync(Now.AddDays(20));
        await ExecuteAsync("UPDATE certificates SET renewal_due_at = @At, last_renewal_attempt_at = @At, last_renewal_result = 'Refused: CSR subject differs.' WHERE serial = @Serial",
            due, UnixMicroseconds.From(Now.AddDays(-1)));
        await ExecuteAsync("UPDATE certificates SET revoked_at = @At, revocation_reason = 1 WHERE serial = @Serial", revoked, UnixMicroseconds.From(Now));
        await ExecuteAsync("UPDATE certificates SET superseded_by = @Serial || '-new', renewal_state = 4 WHERE serial = @Serial", superseded, 0);

        var query = new ExpiryReportQuery { Now = Now, ExpiringWithin = TimeSpan.FromDays(30) };
        ExpiryReportRow[] all = await _stores.Reports.ReadExpiryReportAsync(query, CancellationToken.None).ToArrayAsync();
        ExpiryReportRow[] dueRows = await _stores.Reports.ReadExpiryReportAsync(query with { State = ExpiryState.RenewalDue }, CancellationToken.None).ToArrayAsync();
        ExpiryReportRow[] window = await _stores.Reports.ReadWindowAsync(Now, TimeSpan.FromDays(365), query.ExpiringWithin, 10, CancellationToken.None).ToArrayAsync();
        InventoryStatistics statistics = await _stores.Reports.ReadStatisticsAsync(Now, query.ExpiringWithin, [7, 30, 365], CancellationToken.None);

        Assert.Equal(
            [(valid, ExpiryState.Valid), (due, ExpiryState.RenewalDue), (expiring, ExpiryState.Expiring), (expired, ExpiryState.Expired),
             (revoked, ExpiryState.Revoked), (superseded, ExpiryState.Superseded)],
            all.Select(r => (r.Serial, r.State)));
        Assert.Equal((300L, "Refused: CSR subject differs."), (Assert.Single(dueRows).DaysRemaining, dueRows[0].LastRenewalResult));
        Assert.Equal([expiring, valid, due], window.Select(r => r.Serial));
        Assert.Equal(
            new Dictionary<ExpiryState, long>
            {
                [ExpiryState.Valid] = 1, [ExpiryState.RenewalDue] = 1, [ExpiryState.Expiring] = 1,
                [ExpiryState.Expired] = 1, [ExpiryState.Revoked] = 1, [ExpiryState.Superseded] = 1,
            },
            statistics.ByState);
        Assert.Equal([(7, 0L), (30, 1L), (365, 3L)], statistics.ExpiringWithinDays);
        Assert.Equal([("refused", 1L)], statistics.LastRenewalResults);
        Assert.Equal(4, statistics.ByExpiry.Sum(c => c.Count));
    }

    [Fact]
    public async Task ReadExpiryReportAsync_MoreRowsThanOneFetch_StreamsEveryRowInIdOrderAndCanStopEarly()
    {
        await ImportAsync(Now.AddDays(100));
        await ExecuteAsync(
            """
            INSERT INTO certificates (serial, profile, issuer, subject, not_before, not_after, key_algorithm, key_size,
                signature_algorithm, thumbprint_sha256, public_key_sha256, der, issued_at)
            SELECT 'bulk-' || n, 'devices', 'CN=CA', 'CN=bulk-' || n, 0, @At, 'RSA', 2048, 'sha256RSA', 'tp-' || n, 'pk-' || n, '\x00', 0
            FROM generate_series(1, 2500) AS n
            """, "", UnixMicroseconds.From(Now.AddDays(200)));
        var query = new ExpiryReportQuery { Now = Now, ExpiringWithin = TimeSpan.FromDays(30) };

        ExpiryReportRow[] all = await _stores.Reports.ReadExpiryReportAsync(query, CancellationToken.None).ToArrayAsync();
        ExpiryReportRow[] first = await _stores.Reports.ReadExpiryReportAsync(query, CancellationToken.None).Take(3).ToArrayAsync();

        Assert.Equal(2501, all.Length);
        Assert.Equal("bulk-2500", all[^1].Serial);
        Assert.Equal(all.Take(3).Select(r => r.Serial), first.Select(r => r.Serial));
        Assert.Equal(2501, (await _stores.Reports.ReadStatisticsAsync(Now, query.ExpiringWithin, [30], CancellationToken.None)).ByState[ExpiryState.Valid]);
    }

    [Fact]
    public async Task ReplaceFindingsAsync_ImportedCertificates_ReplacesAllButTheKeptRuleAndRuleSetsReplaceTheirRule()
    {
        string firstSerial = await ImportAsync(Now.AddDays(300));
        string secondSerial = await ImportAsync(Now.AddDays(300));
        IReadOnlyList<InventoryCertificate> page = await _stores.Policy.ListCertificatesAsync(0, 1, CancellationToken.None);
        IReadOnlyList<InventoryCertificate> next = await _stores.Policy.ListCertificatesAsync(page[0].Id, 5, CancellationToken.None);
        long first = page[0].Id, second = Assert.Single(next).Id;
        Assert.Equal([firstSerial, secondSerial], page.Concat(next).Select(c => c.Serial));

        await _stores.Policy.ReplaceFindingsAsync(
            [new CertificateFindings(first, [WeakKey, SharedKey]), new CertificateFindings(second, [WeakKey, WeakKey with { Observed = "512" }])],
            null, Now, CancellationToken.None);
        await _stores.Policy.ReplaceFindingsAsync([new CertificateFindings(first, [Sha1])], SharedKey.RuleId, Now, CancellationToken.None);
        await _stores.Policy.ReplaceRuleFindingsAsync(SharedKey.RuleId, [new CertificateFindings(second, [SharedKey])], Now, CancellationToken.None);

        ExpiryReportRow[] rows = await _stores.Reports.ReadExpiryReportAsync(
            new ExpiryReportQuery { Now = Now, ExpiringWithin = TimeSpan.FromDays(30) }, CancellationToken.None).ToArrayAsync();
        Assert.Equal([["WC-SIG-01"], ["WC-KEY-01", "WC-KEY-04"]], rows.Select(r => r.Findings));
        InventoryStatistics statistics = await _stores.Reports.ReadStatisticsAsync(Now, TimeSpan.FromDays(30), [30], CancellationToken.None);
        Assert.Equal([("WC-KEY-01", "fail", 1L), ("WC-KEY-04", "fail", 1L), ("WC-SIG-01", "warn", 1L)], statistics.FindingsByRule);
    }

    [Fact]
    public async Task ImportAsync_SameCertificateOnTwoNodesAtOnce_StoresItOnceWithOneAuditEvent()
    {
        PostgresStores other = _harness.CreateStores();
        CertificateRecord certificate = TestData.Certificate() with { Findings = [WeakKey] };
        AuditEvent imported = new() { Time = Now, Action = AuditActions.CertificateImported, Outcome = AuditOutcome.Success, Actor = "admin" };

        ImportOutcome[] outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            (i % 2 == 0 ? _stores : other).Policy.ImportAsync(certificate, null, imported, CancellationToken.None))));

        Assert.Single(outcomes, o => !o.AlreadyPresent);
        Assert.All(outcomes, o => Assert.Equal(certificate.Serial, o.Certificate.Serial));
        Assert.All(outcomes, o => Assert.Equal([WeakKey], o.Certificate.Findings));
        Assert.Equal(1, await _stores.Audit.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ReadAfterAsync_LifecycleEventsOfImportedCertificates_ReturnsThemWithTheThresholdEachNames()
    {
        string serial = await ImportAsync(Now.AddDays(20));
        await _stores.Audit.AppendAsync(Lifecycle(AuditActions.ChallengeUsed, serial, null), CancellationToken.None);
        long alert30 = await _stores.Audit.AppendAsync(
            Lifecycle(RenewalEventTypes.ExpiryAlert, serial, $"Certificate {serial} for CN=x expires within 30 days, at 2025-04-03 07:26:53Z."), CancellationToken.None);
        long due = await _stores.Audit.AppendAsync(Lifecycle(RenewalEventTypes.RenewalDue, serial.ToUpperInvariant(), "due"), CancellationToken.None);

        IReadOnlyList<LoggedRenewalEvent> read = await _stores.RenewalEvents.ReadAfterAsync(0, 10, CancellationToken.None);

        Assert.Equal([(alert30, RenewalEventTypes.ExpiryAlert, (int?)30), (due, RenewalEventTypes.RenewalDue, null)],
            read.Select(e => (e.Position, e.Event.Type, e.Event.Certificate.ThresholdDays)));
        Assert.All(read, e => Assert.Equal(serial, e.Event.Certificate.Serial));
    }

    [Fact]
    public async Task SetPositionAsync_OlderPositionFromASlowerNode_KeepsTheNewer()
    {
        PostgresStores other = _harness.CreateStores();
        await _stores.RenewalEvents.SetPositionAsync("webhook", 42, Now, CancellationToken.None);

        await other.RenewalEvents.SetPositionAsync("webhook", 41, Now, CancellationToken.None);

        Assert.Equal(42, await other.RenewalEvents.GetPositionAsync("webhook", CancellationToken.None));
    }

    private async Task<string> ImportAsync(DateTimeOffset notAfter)
    {
        CertificateRecord certificate = TestData.Certificate(notAfter: notAfter);
        AuditEvent imported = new() { Time = Now, Action = AuditActions.CertificateImported, Outcome = AuditOutcome.Success, Actor = "admin" };
        return (await _stores.Policy.ImportAsync(certificate, null, imported, CancellationToken.None)).Certificate.Serial;
    }

    private async Task ExecuteAsync(string sql, string serial, long at)
    {
        await using NpgsqlConnection connection = _harness.OpenRaw();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("Serial", serial);
        command.Parameters.AddWithValue("At", at);
        await command.ExecuteNonQueryAsync();
    }

    private static AuditEvent Lifecycle(string action, string target, string? details) =>
        new() { Time = Now, Action = action, Outcome = AuditOutcome.Success, Actor = "system", Target = target, Details = details };
}

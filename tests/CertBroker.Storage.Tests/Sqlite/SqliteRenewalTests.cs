using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>
/// A certificate's renewal life on the SQLite store, driven by the real sweep and alerts on a fake clock:
/// issue → due → overdue → expired, renew → superseded, expiry alerts once per threshold, batches.
/// </summary>
public sealed class SqliteRenewalTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Issued = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly SqliteHarness _harness = new();
    private readonly FakeTimeProvider _clock = new(Issued);
    private readonly ScheduleOptions _schedule = new() { OverdueAfterHours = 72 };
    private SqliteStores _stores = null!;

    public async Task InitializeAsync()
    {
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        _stores = new SqliteStores(_harness.Options, NullLogger<SqliteDataSource>.Instance);
    }

    public async Task DisposeAsync()
    {
        _stores.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task SweepAsync_AsTheClockPassesDueOverdueAndNotAfter_MovesValidDueOverdueExpiredAndAuditsEach()
    {
        CertificateRecord certificate = await IssueAsync(dueAt: Issued.AddDays(292), notAfter: Issued.AddDays(365));
        RenewalSweep sweep = Sweep();

        Assert.Equal(new RenewalSweepResult(0, 0, 0, 0), await sweep.SweepAsync(CancellationToken.None));
        Assert.Equal(RenewalState.Valid, await StateAsync(certificate));

        _clock.Advance(TimeSpan.FromDays(292));
        Assert.Equal(new RenewalSweepResult(0, 1, 0, 0), await sweep.SweepAsync(CancellationToken.None));
        Assert.Equal(RenewalState.Due, await StateAsync(certificate));

        _clock.Advance(TimeSpan.FromHours(71));
        Assert.Equal(new RenewalSweepResult(0, 0, 0, 0), await sweep.SweepAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new RenewalSweepResult(0, 0, 1, 0), await sweep.SweepAsync(CancellationToken.None));
        Assert.Equal(RenewalState.Overdue, await StateAsync(certificate));

        _clock.Advance(TimeSpan.FromDays(71));
        Assert.Equal(new RenewalSweepResult(0, 0, 0, 1), await sweep.SweepAsync(CancellationToken.None));
        Assert.Equal(RenewalState.Expired, await StateAsync(certificate));

        IReadOnlyList<StoredAuditEvent> trail = await _stores.Audit.ListAsync(new AuditQuery(), CancellationToken.None);
        string[] lifecycle = [.. trail.Select(e => e.Event).Where(e => e.Target == certificate.Serial).OrderBy(e => e.Time).Select(e => e.Action)];
        Assert.Equal([AuditActions.CertificateRenewalDue, AuditActions.CertificateRenewalOverdue, AuditActions.CertificateExpired], lifecycle);
    }

    [Fact]
    public async Task SaveIssuedAsync_RenewalOfADueCertificate_SupersedesItInTheSameWriteAndTheSweepLeavesItAlone()
    {
        CertificateRecord old = await IssueAsync(dueAt: Issued.AddDays(10), notAfter: Issued.AddDays(30));
        _clock.Advance(TimeSpan.FromDays(11));
        await Sweep().SweepAsync(CancellationToken.None);
        Assert.Equal(RenewalState.Due, await StateAsync(old));

        CertificateRecord renewed = await IssueAsync(dueAt: Issued.AddDays(300), notAfter: Issued.AddDays(400), renewalOf: old.Serial);

        CertificateRecord stored = (await _stores.Certificates.FindBySerialAsync(old.Serial, CancellationToken.None))!;
        Assert.Equal((RenewalState.Superseded, renewed.Serial), (stored.RenewalState, stored.SupersededBy));
        Assert.Equal($"renewed by {renewed.Serial}", stored.LastRenewalResult);
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(new RenewalSweepResult(0, 0, 0, 0), await Sweep().SweepAsync(CancellationToken.None));
        Assert.Equal(RenewalState.Superseded, await StateAsync(old));
    }

    [Fact]
    public async Task SaveTransactionAsync_RefusedRenewal_RecordsTheAttemptOnTheSigningCertificate()
    {
        CertificateRecord current = await IssueAsync(dueAt: Issued.AddDays(10), notAfter: Issued.AddDays(30));
        EnrolmentTransaction refused = TestData.Transaction(state: TransactionState.Failed) with
        {
            RenewalOf = current.Serial,
            RenewalResult = "refused: CSR subject differs from that of signer certificate.",
        };

        Assert.True(await _stores.Enrolments.SaveTransactionAsync(refused, CancellationToken.None));

        CertificateRecord stored = (await _stores.Certificates.FindBySerialAsync(current.Serial, CancellationToken.None))!;
        Assert.Equal(refused.RenewalResult, stored.LastRenewalResult);
        Assert.Equal(refused.UpdatedAt, stored.LastRenewalAttemptAt);
    }

    [Fact]
    public async Task SweepAsync_MoreDueThanOneBatch_MarksThemAllInBatchesOfBatchSize()
    {
        for (int i = 0; i < 25; i++)
        {
            await IssueAsync(dueAt: Issued.AddDays(1).AddMinutes(i), notAfter: Issued.AddDays(365));
        }

        _schedule.BatchSize = 10;
        var counting = new CountingStore(_stores.Renewal);
        _clock.Advance(TimeSpan.FromDays(2));

        RenewalSweepResult result = await Sweep(counting).SweepAsync(CancellationToken.None);

        Assert.Equal(25, result.Due);
        Assert.Equal([10, 10, 5], counting.DueBatches);
    }

    [Fact]
    public async Task SweepAsync_CertificateWithoutDueTime_PlansOneInsideItsLifetime()
    {
        CertificateRecord unplanned = await IssueAsync(dueAt: null, notAfter: Issued.AddDays(100));

        RenewalSweepResult result = await Sweep().SweepAsync(CancellationToken.None);

        Assert.Equal(1, result.Scheduled);
        DateTimeOffset due = (await _stores.Certificates.FindBySerialAsync(unplanned.Serial, CancellationToken.None))!.RenewalDueAt!.Value;
        Assert.InRange(due, Issued.AddDays(78), Issued.AddDays(82));
    }

    [Fact]
    public async Task SendAsync_CertificateCrossingThresholds_AlertsOncePerThresholdAndOnlyTheSmallestWhenSeveralAreCrossedAtOnce()
    {
        CertificateRecord certificate = await IssueAsync(dueAt: Issued.AddDays(20), notAfter: Issued.AddDays(40));
        var alerts = new ExpiryAlerts(_stores.Renewal, Options.Create(_schedule), _clock, new AuditRecorder(_stores.Audit, NullAuditForwarder.Instance), NullRenewalNotifier.Instance);

        Assert.Equal(0, await alerts.SendAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromDays(11));
        Assert.Equal(1, await alerts.SendAsync(CancellationToken.None));
        Assert.Equal(0, await alerts.SendAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromDays(28.5));
        Assert.Equal(1, await alerts.SendAsync(CancellationToken.None));
        Assert.Equal(0, await alerts.SendAsync(CancellationToken.None));

        IReadOnlyList<StoredAuditEvent> trail = await _stores.Audit.ListAsync(new AuditQuery(), CancellationToken.None);
        string[] details = [.. trail.Select(e => e.Event).Where(e => e.Action == AuditActions.CertificateExpiryAlert && e.Target == certificate.Serial)
            .OrderBy(e => e.Time).Select(e => e.Details!)];
        Assert.Equal(2, details.Length);
        Assert.Contains("within 30 days", details[0], StringComparison.Ordinal);
        Assert.Contains("within 1 days", details[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteSpentAsync_UsedAndExpiredBeforeTheCutOff_DeletesThoseAndKeepsUsableAndRecentOnes()
    {
        DateTimeOffset cutOff = Issued.AddDays(7);
        await ChallengeAsync("expired-long-ago", expiresAt: Issued.AddDays(1));
        long usedLongAgo = await ChallengeAsync("used-long-ago", expiresAt: Issued.AddDays(30));
        await IssueAsync(dueAt: null, notAfter: Issued.AddDays(365), challenge: usedLongAgo);
        long stillUsable = await ChallengeAsync("still-usable", expiresAt: Issued.AddDays(30));

        int deleted = await _stores.Challenges.DeleteSpentAsync(cutOff, 100, CancellationToken.None);

        Assert.Equal(2, deleted);
        Assert.Null(await _stores.Challenges.FindByPasswordHashAsync(OneTimeChallenge.HashOf("expired-long-ago"), CancellationToken.None));
        Assert.Null(await _stores.Challenges.FindByPasswordHashAsync(OneTimeChallenge.HashOf("used-long-ago"), CancellationToken.None));
        Assert.Equal(stillUsable, (await _stores.Challenges.FindByPasswordHashAsync(OneTimeChallenge.HashOf("still-usable"), CancellationToken.None))!.Id);
    }

    private async Task<long> ChallengeAsync(string password, DateTimeOffset expiresAt)
    {
        var challenge = new OneTimeChallenge
        {
            PasswordSha256 = OneTimeChallenge.HashOf(password),
            Profile = "default",
            CreatedBy = "admin",
            CreatedAt = Issued,
            ExpiresAt = expiresAt,
        };
        Assert.True(await _stores.Challenges.CreateAsync(challenge, 1000, Event(AuditActions.ChallengeIssued), CancellationToken.None));
        return (await _stores.Challenges.FindByPasswordHashAsync(challenge.PasswordSha256, CancellationToken.None))!.Id;
    }

    private static AuditEvent Event(string action) => new()
    {
        Time = Issued,
        Action = action,
        Outcome = AuditOutcome.Success,
        Actor = "admin",
    };

    [Fact]
    public async Task ReadAfterAsync_LifecycleEventsAmongOtherAuditEvents_ReturnsThemInOrderFromThePositionOn()
    {
        CertificateRecord first = await IssueAsync(dueAt: Issued.AddDays(10), notAfter: Issued.AddDays(40));
        CertificateRecord second = await IssueAsync(dueAt: Issued.AddDays(20), notAfter: Issued.AddDays(400));
        long start = await _stores.RenewalEvents.NewestPositionAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromDays(11));
        await Sweep().SweepAsync(CancellationToken.None);
        // Other audit events between lifecycle events, even one naming the same certificate, are not among them.
        await _stores.Audit.AppendAsync(Event(AuditActions.ChallengeUsed) with { Target = first.Serial }, CancellationToken.None);
        await new ExpiryAlerts(_stores.Renewal, Options.Create(_schedule), _clock, new AuditRecorder(_stores.Audit, NullAuditForwarder.Instance), NullRenewalNotifier.Instance).SendAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromDays(10));
        await Sweep().SweepAsync(CancellationToken.None);

        IReadOnlyList<LoggedRenewalEvent> all = await _stores.RenewalEvents.ReadAfterAsync(start, 100, CancellationToken.None);

        Assert.Equal(
            [
                (RenewalEventTypes.RenewalDue, first.Serial), (RenewalEventTypes.ExpiryAlert, first.Serial),
                (RenewalEventTypes.RenewalOverdue, first.Serial), (RenewalEventTypes.RenewalDue, second.Serial),
            ],
            all.Select(e => (e.Event.Type, e.Event.Certificate.Serial)));
        Assert.Equal(all.Select(e => e.Position).Order(), all.Select(e => e.Position));
        Assert.Equal((first.Subject, 30), (all[1].Event.Certificate.Subject, all[1].Event.Certificate.ThresholdDays));
        Assert.Null(all[0].Event.Certificate.ThresholdDays);
        Assert.Equal(all.Skip(1), await _stores.RenewalEvents.ReadAfterAsync(all[0].Position, 100, CancellationToken.None));
        Assert.Single(await _stores.RenewalEvents.ReadAfterAsync(start, 1, CancellationToken.None));
        Assert.Empty(await _stores.RenewalEvents.ReadAfterAsync(all[^1].Position, 100, CancellationToken.None));
    }

    [Fact]
    public async Task ReadAfterAsync_TwoAlertsForOneCertificateStillUnread_EachCarriesTheThresholdItFiredFor()
    {
        CertificateRecord certificate = await IssueAsync(dueAt: Issued.AddDays(300), notAfter: Issued.AddDays(40));
        long start = await _stores.RenewalEvents.NewestPositionAsync(CancellationToken.None);
        var alerts = new ExpiryAlerts(_stores.Renewal, Options.Create(_schedule), _clock, new AuditRecorder(_stores.Audit, NullAuditForwarder.Instance), NullRenewalNotifier.Instance);
        _clock.Advance(TimeSpan.FromDays(11));
        await alerts.SendAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromDays(16));
        await alerts.SendAsync(CancellationToken.None);

        IReadOnlyList<LoggedRenewalEvent> read = await _stores.RenewalEvents.ReadAfterAsync(start, 100, CancellationToken.None);

        Assert.Equal(
            [(RenewalEventTypes.ExpiryAlert, 30), (RenewalEventTypes.ExpiryAlert, 14)],
            read.Select(e => (e.Event.Type, e.Event.Certificate.ThresholdDays ?? 0)));
        Assert.All(read, e => Assert.Equal(certificate.Serial, e.Event.Certificate.Serial));
    }

    [Fact]
    public async Task SetPositionAsync_PerConsumer_IsKeptAndReplaced()
    {
        Assert.Null(await _stores.RenewalEvents.GetPositionAsync("webhook", CancellationToken.None));

        await _stores.RenewalEvents.SetPositionAsync("webhook", 41, _clock.GetUtcNow(), CancellationToken.None);
        await _stores.RenewalEvents.SetPositionAsync("webhook", 42, _clock.GetUtcNow(), CancellationToken.None);
        await _stores.RenewalEvents.SetPositionAsync("other", 7, _clock.GetUtcNow(), CancellationToken.None);

        Assert.Equal(42, await _stores.RenewalEvents.GetPositionAsync("webhook", CancellationToken.None));
        Assert.Equal(7, await _stores.RenewalEvents.GetPositionAsync("other", CancellationToken.None));
    }

    private RenewalSweep Sweep(IRenewalStore? store = null) => new(
        store ?? _stores.Renewal,
        new ProfileCatalog(Options.Create(new BrokerOptions())),
        Options.Create(_schedule),
        _clock,
        new AuditRecorder(_stores.Audit, NullAuditForwarder.Instance),
        NullRenewalNotifier.Instance,
        new Random(7));

    private async Task<CertificateRecord> IssueAsync(DateTimeOffset? dueAt, DateTimeOffset notAfter, string? renewalOf = null, long? challenge = null)
    {
        EnrolmentTransaction transaction = TestData.Transaction() with
        {
            RenewalOf = renewalOf,
            Challenge = challenge is { } id ? new ChallengeRedemption(id, Event(AuditActions.ChallengeUsed)) : null,
        };
        CertificateRecord certificate = TestData.Certificate(transactionId: transaction.TransactionId, notAfter: notAfter) with
        {
            NotBefore = Issued,
            IssuedAt = _clock.GetUtcNow(),
            RenewalDueAt = dueAt,
        };
        return (await _stores.Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None)).Certificate;
    }

    private async Task<RenewalState> StateAsync(CertificateRecord certificate) =>
        (await _stores.Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None))!.RenewalState;

    /// <summary>Passes through to the store and remembers the size of every Due batch.</summary>
    private sealed class CountingStore(IRenewalStore inner) : IRenewalStore
    {
        public List<int> DueBatches { get; } = [];

        public async Task<IReadOnlyList<RenewalTransition>> MarkDueAsync(DateTimeOffset now, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken)
        {
            IReadOnlyList<RenewalTransition> batch = await inner.MarkDueAsync(now, batchSize, audit, cancellationToken);
            DueBatches.Add(batch.Count);
            return batch;
        }

        public Task<IReadOnlyList<RenewalTransition>> MarkOverdueAsync(DateTimeOffset dueBefore, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
            inner.MarkOverdueAsync(dueBefore, batchSize, audit, cancellationToken);

        public Task<IReadOnlyList<RenewalTransition>> MarkExpiredAsync(DateTimeOffset now, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
            inner.MarkExpiredAsync(now, batchSize, audit, cancellationToken);

        public Task<IReadOnlyList<UnscheduledCertificate>> ListUnscheduledAsync(int batchSize, CancellationToken cancellationToken) =>
            inner.ListUnscheduledAsync(batchSize, cancellationToken);

        public Task SetRenewalDueAsync(IReadOnlyList<(long CertificateId, DateTimeOffset DueAt)> dueTimes, CancellationToken cancellationToken) =>
            inner.SetRenewalDueAsync(dueTimes, cancellationToken);

        public Task<IReadOnlyList<RenewalTransition>> TakeExpiryAlertsAsync(DateTimeOffset now, int thresholdDays, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
            inner.TakeExpiryAlertsAsync(now, thresholdDays, batchSize, audit, cancellationToken);
    }
}

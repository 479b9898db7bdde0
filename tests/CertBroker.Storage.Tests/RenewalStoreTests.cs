using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Renewal;

namespace CertBroker.Storage.Tests;

/// <summary>
/// IRenewalStore behaviour every database must show, driven by the real sweep and alerts on a fake clock:
/// issue → due → overdue → expired, renew → superseded, expiry alerts once per threshold, batches.
/// </summary>
public abstract class RenewalStoreTests : StoreTestBase
{
    private static readonly DateTimeOffset Issued = RenewalScenario.Issued;

    private RenewalScenario? _scenario;

    private RenewalScenario Scenario => _scenario ??= new RenewalScenario(Store);

    [Fact]
    public async Task SweepAsync_AsTheClockPassesDueOverdueAndNotAfter_MovesValidDueOverdueExpiredAndAuditsEach()
    {
        CertificateRecord certificate = await Scenario.IssueAsync(dueAt: Issued.AddDays(292), notAfter: Issued.AddDays(365));
        RenewalSweep sweep = Scenario.Sweep();

        Assert.Equal(new RenewalSweepResult(0, 0, 0, 0), await sweep.SweepAsync(CancellationToken.None));
        Assert.Equal(RenewalState.Valid, await Scenario.StateAsync(certificate));

        Scenario.Clock.Advance(TimeSpan.FromDays(292));
        Assert.Equal(new RenewalSweepResult(0, 1, 0, 0), await sweep.SweepAsync(CancellationToken.None));
        Assert.Equal(RenewalState.Due, await Scenario.StateAsync(certificate));

        Scenario.Clock.Advance(TimeSpan.FromHours(71));
        Assert.Equal(new RenewalSweepResult(0, 0, 0, 0), await sweep.SweepAsync(CancellationToken.None));
        Scenario.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new RenewalSweepResult(0, 0, 1, 0), await sweep.SweepAsync(CancellationToken.None));
        Assert.Equal(RenewalState.Overdue, await Scenario.StateAsync(certificate));

        Scenario.Clock.Advance(TimeSpan.FromDays(71));
        Assert.Equal(new RenewalSweepResult(0, 0, 0, 1), await sweep.SweepAsync(CancellationToken.None));
        Assert.Equal(RenewalState.Expired, await Scenario.StateAsync(certificate));

        Assert.Equal(
            [AuditActions.CertificateRenewalDue, AuditActions.CertificateRenewalOverdue, AuditActions.CertificateExpired],
            await Scenario.ActionsAsync(certificate));
    }

    [Fact]
    public async Task MarkDueAsync_CalledAgain_MarksADueCertificateOnlyOnce()
    {
        CertificateRecord certificate = await Scenario.IssueAsync(dueAt: Issued.AddDays(10), notAfter: Issued.AddDays(365));
        DateTimeOffset now = Issued.AddDays(11);

        IReadOnlyList<RenewalTransition> first = await Store.Renewal.MarkDueAsync(now, 100, Audit, CancellationToken.None);
        IReadOnlyList<RenewalTransition> second = await Store.Renewal.MarkDueAsync(now.AddDays(1), 100, Audit, CancellationToken.None);

        RenewalTransition marked = Assert.Single(first);
        Assert.Equal((certificate.Serial, RenewalState.Due), (marked.Serial, marked.State));
        Assert.Empty(second);
        Assert.Equal([AuditActions.CertificateRenewalDue], await Scenario.ActionsAsync(certificate));
    }

    [Fact]
    public async Task MarkDueAsync_NotYetDueOrRevoked_LeavesThemValid()
    {
        CertificateRecord later = await Scenario.IssueAsync(dueAt: Issued.AddDays(30), notAfter: Issued.AddDays(365));
        CertificateRecord revoked = await Scenario.IssueAsync(dueAt: Issued.AddDays(5), notAfter: Issued.AddDays(365));
        Assert.True(await Store.Certificates.RevokeAsync(revoked.Serial, 1, Issued.AddDays(1), CancellationToken.None));

        Assert.Empty(await Store.Renewal.MarkDueAsync(Issued.AddDays(10), 100, Audit, CancellationToken.None));

        Assert.Equal(RenewalState.Valid, await Scenario.StateAsync(later));
        Assert.Equal(RenewalState.Valid, await Scenario.StateAsync(revoked));
    }

    [Fact]
    public async Task MarkOverdueAsync_DuePassedWhileNoSweepRan_GoesStraightToOverdueWithOneEvent()
    {
        CertificateRecord certificate = await Scenario.IssueAsync(dueAt: Issued.AddDays(10), notAfter: Issued.AddDays(365));

        IReadOnlyList<RenewalTransition> overdue = await Store.Renewal.MarkOverdueAsync(Issued.AddDays(11), 100, Audit, CancellationToken.None);

        Assert.Equal(RenewalState.Overdue, Assert.Single(overdue).State);
        Assert.Equal(RenewalState.Overdue, await Scenario.StateAsync(certificate));
        Assert.Empty(await Store.Renewal.MarkDueAsync(Issued.AddDays(12), 100, Audit, CancellationToken.None));
        Assert.Equal([AuditActions.CertificateRenewalOverdue], await Scenario.ActionsAsync(certificate));
    }

    [Fact]
    public async Task MarkExpiredAsync_PastNotAfter_ExpiresOnceAndLeavesTheValidOnes()
    {
        CertificateRecord ended = await Scenario.IssueAsync(dueAt: Issued.AddDays(5), notAfter: Issued.AddDays(10));
        CertificateRecord running = await Scenario.IssueAsync(dueAt: Issued.AddDays(200), notAfter: Issued.AddDays(365));

        IReadOnlyList<RenewalTransition> expired = await Store.Renewal.MarkExpiredAsync(Issued.AddDays(11), 100, Audit, CancellationToken.None);

        Assert.Equal(ended.Serial, Assert.Single(expired).Serial);
        Assert.Empty(await Store.Renewal.MarkExpiredAsync(Issued.AddDays(12), 100, Audit, CancellationToken.None));
        Assert.Equal((RenewalState.Expired, RenewalState.Valid), (await Scenario.StateAsync(ended), await Scenario.StateAsync(running)));
    }

    [Fact]
    public async Task SaveIssuedAsync_RenewalOfADueCertificate_SupersedesItInTheSameWriteAndTheSweepLeavesItAlone()
    {
        CertificateRecord old = await Scenario.IssueAsync(dueAt: Issued.AddDays(10), notAfter: Issued.AddDays(30));
        Scenario.Clock.Advance(TimeSpan.FromDays(11));
        await Scenario.Sweep().SweepAsync(CancellationToken.None);
        Assert.Equal(RenewalState.Due, await Scenario.StateAsync(old));

        CertificateRecord renewed = await Scenario.IssueAsync(dueAt: Issued.AddDays(300), notAfter: Issued.AddDays(400), renewalOf: old.Serial);

        CertificateRecord stored = (await Store.Certificates.FindBySerialAsync(old.Serial, CancellationToken.None))!;
        Assert.Equal((RenewalState.Superseded, renewed.Serial), (stored.RenewalState, stored.SupersededBy));
        Assert.Equal($"renewed by {renewed.Serial}", stored.LastRenewalResult);
        Scenario.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(new RenewalSweepResult(0, 0, 0, 0), await Scenario.Sweep().SweepAsync(CancellationToken.None));
        Assert.Equal(RenewalState.Superseded, await Scenario.StateAsync(old));
    }

    [Fact]
    public async Task SaveTransactionAsync_RefusedRenewal_RecordsTheAttemptOnTheSigningCertificate()
    {
        CertificateRecord current = await Scenario.IssueAsync(dueAt: Issued.AddDays(10), notAfter: Issued.AddDays(30));
        EnrolmentTransaction refused = TestData.Transaction(state: TransactionState.Failed) with
        {
            RenewalOf = current.Serial,
            RenewalResult = "refused: CSR subject differs from that of signer certificate.",
        };

        Assert.True(await Enrolments.SaveTransactionAsync(refused, CancellationToken.None));

        CertificateRecord stored = (await Store.Certificates.FindBySerialAsync(current.Serial, CancellationToken.None))!;
        Assert.Equal(refused.RenewalResult, stored.LastRenewalResult);
        Assert.Equal(refused.UpdatedAt, stored.LastRenewalAttemptAt);
    }

    [Fact]
    public async Task SweepAsync_MoreDueThanOneBatch_MarksThemAllInBatchesOfBatchSize()
    {
        for (int i = 0; i < 25; i++)
        {
            await Scenario.IssueAsync(dueAt: Issued.AddDays(1).AddMinutes(i), notAfter: Issued.AddDays(365));
        }

        Scenario.Schedule.BatchSize = 10;
        var counting = new CountingRenewalStore(Store.Renewal);
        Scenario.Clock.Advance(TimeSpan.FromDays(2));

        RenewalSweepResult result = await Scenario.Sweep(counting).SweepAsync(CancellationToken.None);

        Assert.Equal(25, result.Due);
        Assert.Equal([10, 10, 5], counting.DueBatches);
    }

    [Fact]
    public async Task SweepAsync_CertificateWithoutDueTime_PlansOneInsideItsLifetime()
    {
        CertificateRecord unplanned = await Scenario.IssueAsync(dueAt: null, notAfter: Issued.AddDays(100));

        RenewalSweepResult result = await Scenario.Sweep().SweepAsync(CancellationToken.None);

        Assert.Equal(1, result.Scheduled);
        DateTimeOffset due = (await Store.Certificates.FindBySerialAsync(unplanned.Serial, CancellationToken.None))!.RenewalDueAt!.Value;
        Assert.InRange(due, Issued.AddDays(78), Issued.AddDays(82));
        Assert.Empty(await Store.Renewal.ListUnscheduledAsync(100, CancellationToken.None));
    }

    [Fact]
    public async Task SendAsync_CertificateCrossingThresholds_AlertsOncePerThresholdAndOnlyTheSmallestWhenSeveralAreCrossedAtOnce()
    {
        CertificateRecord certificate = await Scenario.IssueAsync(dueAt: Issued.AddDays(20), notAfter: Issued.AddDays(40));
        ExpiryAlerts alerts = Scenario.Alerts();

        Assert.Equal(0, await alerts.SendAsync(CancellationToken.None));
        Scenario.Clock.Advance(TimeSpan.FromDays(11));
        Assert.Equal(1, await alerts.SendAsync(CancellationToken.None));
        Assert.Equal(0, await alerts.SendAsync(CancellationToken.None));
        Scenario.Clock.Advance(TimeSpan.FromDays(28.5));
        Assert.Equal(1, await alerts.SendAsync(CancellationToken.None));
        Assert.Equal(0, await alerts.SendAsync(CancellationToken.None));

        IReadOnlyList<StoredAuditEvent> trail = await Store.Audit.ListAsync(new AuditQuery(), CancellationToken.None);
        string[] details = [.. trail.Select(e => e.Event).Where(e => e.Action == AuditActions.CertificateExpiryAlert && e.Target == certificate.Serial)
            .OrderBy(e => e.Time).Select(e => e.Details!)];
        Assert.Equal(2, details.Length);
        Assert.Contains("within 30 days", details[0], StringComparison.Ordinal);
        Assert.Contains("within 1 days", details[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TakeExpiryAlertsAsync_RevokedOrAlreadyExpired_SendsNoAlert()
    {
        CertificateRecord revoked = await Scenario.IssueAsync(dueAt: Issued.AddDays(300), notAfter: Issued.AddDays(20));
        await Scenario.IssueAsync(dueAt: Issued.AddDays(1), notAfter: Issued.AddDays(5));
        Assert.True(await Store.Certificates.RevokeAsync(revoked.Serial, 1, Issued, CancellationToken.None));

        IReadOnlyList<RenewalTransition> alerts = await Store.Renewal.TakeExpiryAlertsAsync(Issued.AddDays(10), 30, 100, Audit, CancellationToken.None);

        Assert.Empty(alerts);
    }

    private static AuditEvent Audit(RenewalTransition transition) => RenewalScenario.Event(transition.State switch
    {
        RenewalState.Due => AuditActions.CertificateRenewalDue,
        RenewalState.Overdue => AuditActions.CertificateRenewalOverdue,
        RenewalState.Expired => AuditActions.CertificateExpired,
        _ => AuditActions.CertificateExpiryAlert,
    }) with { Target = transition.Serial };
}

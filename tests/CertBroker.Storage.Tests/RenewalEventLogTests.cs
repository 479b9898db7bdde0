using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Renewal;

namespace CertBroker.Storage.Tests;

/// <summary>IRenewalEventLog behaviour every database must show: consumers' positions and the trail's bounds.</summary>
public abstract class RenewalEventLogTests : StoreTestBase
{
    private static readonly DateTimeOffset Issued = RenewalScenario.Issued;

    private RenewalScenario? _scenario;

    private RenewalScenario Scenario => _scenario ??= new RenewalScenario(Store);

    [Fact]
    public async Task GetPositionAsync_AfterSetPosition_ReturnsTheLatestPerConsumer()
    {
        await Store.RenewalEvents.SetPositionAsync("webhook", 41, TestData.Now, CancellationToken.None);
        await Store.RenewalEvents.SetPositionAsync("webhook", 42, TestData.Now, CancellationToken.None);
        await Store.RenewalEvents.SetPositionAsync("other", 7, TestData.Now, CancellationToken.None);

        Assert.Equal(42, await Store.RenewalEvents.GetPositionAsync("webhook", CancellationToken.None));
        Assert.Equal(7, await Store.RenewalEvents.GetPositionAsync("other", CancellationToken.None));
        Assert.Null(await Store.RenewalEvents.GetPositionAsync("never-seen", CancellationToken.None));
    }

    [Fact]
    public async Task NewestAndOldestPosition_FollowTheAuditTrail()
    {
        Assert.Equal(0, await Store.RenewalEvents.NewestPositionAsync(CancellationToken.None));
        var login = new AuditEvent { Time = TestData.Now, Action = "account.login", Outcome = AuditOutcome.Success, Actor = "admin" };
        long first = await Store.Audit.AppendAsync(login, CancellationToken.None);
        long last = await Store.Audit.AppendAsync(login, CancellationToken.None);

        Assert.Equal(first, await Store.RenewalEvents.OldestPositionAsync(CancellationToken.None));
        Assert.Equal(last, await Store.RenewalEvents.NewestPositionAsync(CancellationToken.None));
        Assert.Empty(await Store.RenewalEvents.ReadAfterAsync(0, 10, CancellationToken.None));
    }

    [Fact]
    public async Task ReadAfterAsync_LifecycleEventsAmongOtherAuditEvents_ReturnsThemInOrderFromThePositionOn()
    {
        CertificateRecord first = await Scenario.IssueAsync(dueAt: Issued.AddDays(10), notAfter: Issued.AddDays(40));
        CertificateRecord second = await Scenario.IssueAsync(dueAt: Issued.AddDays(20), notAfter: Issued.AddDays(400));
        long start = await Store.RenewalEvents.NewestPositionAsync(CancellationToken.None);
        Scenario.Clock.Advance(TimeSpan.FromDays(11));
        await Scenario.Sweep().SweepAsync(CancellationToken.None);
        // Other audit events between lifecycle events, even one naming the same certificate, are not among them.
        await Store.Audit.AppendAsync(RenewalScenario.Event(AuditActions.ChallengeUsed) with { Target = first.Serial }, CancellationToken.None);
        await Scenario.Alerts().SendAsync(CancellationToken.None);
        Scenario.Clock.Advance(TimeSpan.FromDays(10));
        await Scenario.Sweep().SweepAsync(CancellationToken.None);

        IReadOnlyList<LoggedRenewalEvent> all = await Store.RenewalEvents.ReadAfterAsync(start, 100, CancellationToken.None);

        Assert.Equal(
            [
                (RenewalEventTypes.RenewalDue, first.Serial), (RenewalEventTypes.ExpiryAlert, first.Serial),
                (RenewalEventTypes.RenewalOverdue, first.Serial), (RenewalEventTypes.RenewalDue, second.Serial),
            ],
            all.Select(e => (e.Event.Type, e.Event.Certificate.Serial)));
        Assert.Equal(all.Select(e => e.Position).Order(), all.Select(e => e.Position));
        Assert.Equal((first.Subject, 30), (all[1].Event.Certificate.Subject, all[1].Event.Certificate.ThresholdDays));
        Assert.Null(all[0].Event.Certificate.ThresholdDays);
        Assert.Equal(all.Skip(1), await Store.RenewalEvents.ReadAfterAsync(all[0].Position, 100, CancellationToken.None));
        Assert.Single(await Store.RenewalEvents.ReadAfterAsync(start, 1, CancellationToken.None));
        Assert.Empty(await Store.RenewalEvents.ReadAfterAsync(all[^1].Position, 100, CancellationToken.None));
    }

    [Fact]
    public async Task ReadAfterAsync_TwoAlertsForOneCertificateStillUnread_EachCarriesTheThresholdItFiredFor()
    {
        CertificateRecord certificate = await Scenario.IssueAsync(dueAt: Issued.AddDays(300), notAfter: Issued.AddDays(40));
        long start = await Store.RenewalEvents.NewestPositionAsync(CancellationToken.None);
        ExpiryAlerts alerts = Scenario.Alerts();
        Scenario.Clock.Advance(TimeSpan.FromDays(11));
        await alerts.SendAsync(CancellationToken.None);
        Scenario.Clock.Advance(TimeSpan.FromDays(16));
        await alerts.SendAsync(CancellationToken.None);

        IReadOnlyList<LoggedRenewalEvent> read = await Store.RenewalEvents.ReadAfterAsync(start, 100, CancellationToken.None);

        Assert.Equal(
            [(RenewalEventTypes.ExpiryAlert, 30), (RenewalEventTypes.ExpiryAlert, 14)],
            read.Select(e => (e.Event.Type, e.Event.Certificate.ThresholdDays ?? 0)));
        Assert.All(read, e => Assert.Equal(certificate.Serial, e.Event.Certificate.Serial));
    }
}

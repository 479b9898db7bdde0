using CertBroker.Core.Audit;

namespace CertBroker.Storage.Tests;

/// <summary>IRenewalEventLog behaviour every database must show: consumers' positions and the trail's bounds.</summary>
public abstract class RenewalEventLogTests : StoreTestBase
{
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
}

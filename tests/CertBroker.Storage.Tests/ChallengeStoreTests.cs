using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Storage.Tests;

/// <summary>
/// IChallengeStore and IChallengeCleanup behaviour every database must show: the outstanding cap, a password used
/// once, spent passwords cleaned up.
/// </summary>
public abstract class ChallengeStoreTests : StoreTestBase
{
    private static readonly DeviceIdentity Printer = new(DeviceIdentityKind.SerialNumber, "XK-2231");

    [Fact]
    public async Task FindByPasswordHashAsync_Created_ReturnsItWithItsBindingAndAuditsTheIssue()
    {
        OneTimeChallenge challenge = Challenge("bound") with { Binding = new ChallengeBinding(ChallengeBindingKind.CommonName, "printer-1") };

        Assert.True(await Store.Challenges.CreateAsync(challenge, 10, Event(AuditActions.ChallengeIssued), CancellationToken.None));

        OneTimeChallenge stored = (await Store.Challenges.FindByPasswordHashAsync(challenge.PasswordSha256, CancellationToken.None))!;
        Assert.Equal((challenge.Profile, challenge.Binding, "admin"), (stored.Profile, stored.Binding, stored.CreatedBy));
        Assert.Equal(challenge.ExpiresAt, stored.ExpiresAt);
        Assert.Null(stored.ConsumedAt);
        Assert.Single(await Store.Audit.ListAsync(new AuditQuery { Action = AuditActions.ChallengeIssued }, CancellationToken.None));
    }

    [Fact]
    public async Task FindByPasswordHashAsync_UnknownPassword_ReturnsNull() =>
        Assert.Null(await Store.Challenges.FindByPasswordHashAsync(OneTimeChallenge.HashOf("never-issued"), CancellationToken.None));

    [Fact]
    public async Task CreateAsync_ProfileAtItsCap_RefusesAndWritesNothingWhileOtherProfilesAndExpiredOnesDoNotCount()
    {
        Assert.True(await Store.Challenges.CreateAsync(Challenge("one"), 2, Event(AuditActions.ChallengeIssued), CancellationToken.None));
        Assert.True(await Store.Challenges.CreateAsync(Challenge("old") with { ExpiresAt = TestData.Now.AddMinutes(-1) }, 2, Event(AuditActions.ChallengeIssued), CancellationToken.None));
        Assert.True(await Store.Challenges.CreateAsync(Challenge("two"), 2, Event(AuditActions.ChallengeIssued), CancellationToken.None));
        Assert.True(await Store.Challenges.CreateAsync(Challenge("vpn") with { Profile = "vpn" }, 2, Event(AuditActions.ChallengeIssued), CancellationToken.None));

        bool created = await Store.Challenges.CreateAsync(Challenge("three"), 2, Event(AuditActions.ChallengeIssued), CancellationToken.None);

        Assert.False(created);
        Assert.Null(await Store.Challenges.FindByPasswordHashAsync(OneTimeChallenge.HashOf("three"), CancellationToken.None));
        Assert.Equal(4, await Store.Audit.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SaveIssuedAsync_PasswordUsedByAnotherTransaction_ThrowsAndWritesNothing()
    {
        long challengeId = await CreateAsync("used-once");
        var redemption = new ChallengeRedemption(challengeId, Event(AuditActions.ChallengeUsed));
        await Enrolments.SaveTransactionAsync(TestData.Transaction() with { Challenge = redemption }, CancellationToken.None);
        CertificateRecord certificate = TestData.Certificate();

        await Assert.ThrowsAsync<ChallengeAlreadyUsedException>(() =>
            Enrolments.SaveIssuedAsync(TestData.Transaction() with { Challenge = redemption, Device = Observation(Printer) }, certificate, CancellationToken.None));

        Assert.Null(await Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None));
        Assert.Null(await Store.Devices.FindByIdentityAsync(Printer, CancellationToken.None));
        Assert.Single(await Store.Audit.ListAsync(new AuditQuery { Action = AuditActions.ChallengeUsed }, CancellationToken.None));
    }

    [Fact]
    public async Task SaveIssuedAsync_PasswordUsedWhenThisTransactionWasQueued_IssuesWithoutAuditingTwice()
    {
        long challengeId = await CreateAsync("queued");
        var redemption = new ChallengeRedemption(challengeId, Event(AuditActions.ChallengeUsed));
        EnrolmentTransaction pending = TestData.Transaction() with { Challenge = redemption };
        await Enrolments.SaveTransactionAsync(pending, CancellationToken.None);

        IssueOutcome outcome = await Enrolments.SaveIssuedAsync(pending, TestData.Certificate(), CancellationToken.None);

        Assert.False(outcome.AlreadyIssued);
        OneTimeChallenge? stored = await Store.Challenges.FindByPasswordHashAsync(OneTimeChallenge.HashOf("queued"), CancellationToken.None);
        Assert.Equal(pending.TransactionId, stored?.ConsumedTransaction);
        Assert.Single(await Store.Audit.ListAsync(new AuditQuery { Action = AuditActions.ChallengeUsed }, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteSpentAsync_UsedAndExpiredBeforeTheCutOff_DeletesThoseAndKeepsUsableAndRecentOnes()
    {
        DateTimeOffset cutOff = TestData.Now.AddDays(7);
        await CreateAsync("expired-long-ago", expiresAt: TestData.Now.AddDays(1));
        long usedLongAgo = await CreateAsync("used-long-ago", expiresAt: TestData.Now.AddDays(30));
        await Enrolments.SaveIssuedAsync(
            TestData.Transaction() with { Challenge = new ChallengeRedemption(usedLongAgo, Event(AuditActions.ChallengeUsed)) },
            TestData.Certificate(), CancellationToken.None);
        long stillUsable = await CreateAsync("still-usable", expiresAt: TestData.Now.AddDays(30));

        int deleted = await Store.ChallengeCleanup.DeleteSpentAsync(cutOff, 100, CancellationToken.None);

        Assert.Equal(2, deleted);
        Assert.Null(await Store.Challenges.FindByPasswordHashAsync(OneTimeChallenge.HashOf("expired-long-ago"), CancellationToken.None));
        Assert.Null(await Store.Challenges.FindByPasswordHashAsync(OneTimeChallenge.HashOf("used-long-ago"), CancellationToken.None));
        Assert.Equal(stillUsable, (await Store.Challenges.FindByPasswordHashAsync(OneTimeChallenge.HashOf("still-usable"), CancellationToken.None))!.Id);
        Assert.Equal(0, await Store.ChallengeCleanup.DeleteSpentAsync(cutOff, 100, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteSpentAsync_MoreThanOneBatch_DeletesAtMostTheBatchSize()
    {
        for (int i = 0; i < 3; i++)
        {
            await CreateAsync($"spent-{i}", expiresAt: TestData.Now.AddHours(1));
        }

        Assert.Equal(2, await Store.ChallengeCleanup.DeleteSpentAsync(TestData.Now.AddDays(1), 2, CancellationToken.None));
        Assert.Equal(1, await Store.ChallengeCleanup.DeleteSpentAsync(TestData.Now.AddDays(1), 2, CancellationToken.None));
    }

    private async Task<long> CreateAsync(string password, DateTimeOffset? expiresAt = null)
    {
        OneTimeChallenge challenge = Challenge(password) with { ExpiresAt = expiresAt ?? TestData.Now.AddHours(1) };
        Assert.True(await Store.Challenges.CreateAsync(challenge, 1000, Event(AuditActions.ChallengeIssued), CancellationToken.None));
        return (await Store.Challenges.FindByPasswordHashAsync(challenge.PasswordSha256, CancellationToken.None))!.Id;
    }

    private static OneTimeChallenge Challenge(string password) => new()
    {
        PasswordSha256 = OneTimeChallenge.HashOf(password),
        Profile = TestData.Profile,
        CreatedBy = "admin",
        CreatedAt = TestData.Now,
        ExpiresAt = TestData.Now.AddHours(1),
    };

    private static DeviceObservation Observation(DeviceIdentity identity) =>
        new() { Identity = identity, Name = identity.Key, Profile = TestData.Profile, SeenAt = TestData.Now };

    private static AuditEvent Event(string action) => new() { Time = TestData.Now, Action = action, Outcome = AuditOutcome.Success, Actor = "admin" };
}

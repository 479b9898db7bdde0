using CertBroker.Core.Cluster;
using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Challenges;

/// <summary>Failed challenges counted per source: the lockout after the threshold, its end, and the audit trail.</summary>
public sealed class ChallengeLockoutTests(CaFixture ca) : IClassFixture<CaFixture>
{
    [Fact]
    public async Task PkcsReq_ThresholdOfWrongChallenges_LocksSourceOutEvenWithTheRightOneAndStoresNothingMore()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        await FailAsync(scep, device, ScepHarness.LockoutOptions.Threshold);

        ClientMessage correct = scep.Client.PkcsReq(device, device.Csr("CN=printer-1", ScepHarness.Challenge), transactionId: "after-lockout");
        ScepResult result = await scep.SendAsync(correct);

        ReplyAssert.Failure(correct, result, FailInfo.BadRequest, scep.Ra);
        Assert.Contains("locked out", result.Reason, StringComparison.Ordinal);
        IReadOnlyList<StoredAuditEvent> events = await scep.Stores.Audit.ListAsync(new AuditQuery { Action = "challenge." }, CancellationToken.None);
        // The locked-out attempt is answered without a write: no audit event, no transaction.
        Assert.Equal(ScepHarness.LockoutOptions.Threshold, events.Count(e => e.Event.Action == AuditActions.ChallengeFailed));
        Assert.Null(await scep.Stores.Enrolments.FindTransactionAsync(scep.Profile.Name, "after-lockout", CancellationToken.None));
        StoredAuditEvent lockedOut = Assert.Single(events, e => e.Event.Action == AuditActions.ChallengeSourceLockedOut);
        Assert.Equal("192.0.2.10", lockedOut.Event.SourceAddress);
        Assert.All(events, e => Assert.Equal(AuditOutcome.Failure, e.Event.Outcome));
    }

    [Fact]
    public async Task PkcsReq_OneFailureBelowThreshold_StillIssues()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        await FailAsync(scep, device, ScepHarness.LockoutOptions.Threshold - 1);

        ClientMessage correct = scep.Client.PkcsReq(device, device.Csr("CN=printer-1", ScepHarness.Challenge), transactionId: "just-in-time");

        ReplyAssert.Success(correct, await scep.SendAsync(correct), scep.Ra);
    }

    [Fact]
    public async Task PkcsReq_AfterTheLockoutPeriod_IssuesAgain()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        await FailAsync(scep, device, ScepHarness.LockoutOptions.Threshold);
        scep.Time.Advance(TimeSpan.FromMinutes(ScepHarness.LockoutOptions.PeriodMinutes));

        ClientMessage correct = scep.Client.PkcsReq(device, device.Csr("CN=printer-1", ScepHarness.Challenge), transactionId: "after-period");

        ReplyAssert.Success(correct, await scep.SendAsync(correct), scep.Ra);
    }

    [Fact]
    public async Task RecordFailure_FailuresSpreadWiderThanThePeriod_DoNotLockOut()
    {
        var time = TestClock.StartingNow();
        var lockout = new ChallengeLockout(new MemoryFailureStore(), Options.Create(new ChallengeLockoutOptions { Threshold = 3, PeriodMinutes = 10 }), time);

        bool locked = false;
        for (int i = 0; i < 6; i++)
        {
            locked |= await lockout.RecordFailureAsync("203.0.113.9", "default", CancellationToken.None);
            time.Advance(TimeSpan.FromMinutes(6));
        }

        Assert.False(locked);
        Assert.Null(await lockout.LockedUntilAsync("203.0.113.9", "default", CancellationToken.None));
    }

    [Fact]
    public async Task RecordFailure_OtherSource_IsNotLockedOut()
    {
        var time = TestClock.StartingNow();
        var lockout = new ChallengeLockout(new MemoryFailureStore(), Options.Create(new ChallengeLockoutOptions { Threshold = 2, PeriodMinutes = 10 }), time);

        await lockout.RecordFailureAsync("203.0.113.9", "default", CancellationToken.None);
        bool locked = await lockout.RecordFailureAsync("203.0.113.9", "default", CancellationToken.None);

        Assert.True(locked);
        DateTimeOffset? until = await lockout.LockedUntilAsync("203.0.113.9", "default", CancellationToken.None);
        Assert.NotNull(until);
        Assert.Equal(time.GetUtcNow().AddMinutes(10), until);
        Assert.Null(await lockout.LockedUntilAsync("203.0.113.10", "default", CancellationToken.None));
    }

    [Fact]
    public async Task RecordSuccess_OnAnotherProfile_DoesNotClearTheGuessesAtThisOne()
    {
        // The printers' static secret must not buy endless guesses at the routers' secret.
        var time = TestClock.StartingNow();
        var lockout = new ChallengeLockout(new MemoryFailureStore(), Options.Create(new ChallengeLockoutOptions { Threshold = 3, PeriodMinutes = 10 }), time);

        bool locked = false;
        for (int i = 0; i < 3; i++)
        {
            locked |= await lockout.RecordFailureAsync("203.0.113.9", "routers", CancellationToken.None);
            await lockout.RecordSuccessAsync("203.0.113.9", "printers", CancellationToken.None);
        }

        Assert.True(locked);
        Assert.NotNull(await lockout.LockedUntilAsync("203.0.113.9", "routers", CancellationToken.None));
        Assert.Null(await lockout.LockedUntilAsync("203.0.113.9", "printers", CancellationToken.None));
    }

    [Fact]
    public async Task State_NoFailureOnRecord_SaysSoAndAfterAFailureSaysThereIsOne()
    {
        // The enrolment path skips the reset after a success when the look-up found no failure: one store call less.
        var time = TestClock.StartingNow();
        var lockout = new ChallengeLockout(new MemoryFailureStore(), Options.Create(new ChallengeLockoutOptions { Threshold = 3, PeriodMinutes = 10 }), time);

        LockoutState before = await lockout.StateAsync("198.51.100.4", "default", CancellationToken.None);
        await lockout.RecordFailureAsync("198.51.100.4", "default", CancellationToken.None);
        LockoutState after = await lockout.StateAsync("198.51.100.4", "default", CancellationToken.None);
        await lockout.RecordSuccessAsync("198.51.100.4", "default", CancellationToken.None);
        LockoutState reset = await lockout.StateAsync("198.51.100.4", "default", CancellationToken.None);

        Assert.Equal(LockoutState.Clear, before);
        Assert.Equal(new LockoutState(null, HasFailures: true), after);
        Assert.False(reset.HasFailures);
    }

    [Fact]
    public async Task RecordFailure_AddressesOfOneIpv6Network_CountAsOneSource()
    {
        var time = TestClock.StartingNow();
        var lockout = new ChallengeLockout(new MemoryFailureStore(), Options.Create(new ChallengeLockoutOptions { Threshold = 3, PeriodMinutes = 10 }), time);

        await lockout.RecordFailureAsync("2001:db8:1:2::1", "default", CancellationToken.None);
        await lockout.RecordFailureAsync("2001:db8:1:2:aaaa::7", "default", CancellationToken.None);
        bool locked = await lockout.RecordFailureAsync("2001:db8:1:2:ffff:ffff:ffff:ffff", "default", CancellationToken.None);

        Assert.True(locked);
        Assert.NotNull(await lockout.LockedUntilAsync("2001:db8:1:2::99", "default", CancellationToken.None));
        Assert.Null(await lockout.LockedUntilAsync("2001:db8:1:3::1", "default", CancellationToken.None));
    }

    private static async Task FailAsync(ScepHarness scep, Device device, int times)
    {
        for (int i = 0; i < times; i++)
        {
            ClientMessage wrong = scep.Client.PkcsReq(device, device.Csr("CN=printer-1", "wrong " + i), transactionId: "wrong-" + i);
            ReplyAssert.Failure(wrong, await scep.SendAsync(wrong), FailInfo.BadRequest, scep.Ra);
        }
    }
}

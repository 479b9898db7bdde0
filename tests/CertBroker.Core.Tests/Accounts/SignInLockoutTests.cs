using CertBroker.Core.Cluster;
using CertBroker.Core.Accounts;
using CertBroker.Core.Tests.Support;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Accounts;

public sealed class SignInLockoutTests
{
    private const string Attacker = "203.0.113.66";
    private const string Owner = "192.0.2.10";
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);

    [Fact]
    public async Task RecordFailure_DefaultThresholdFromOneSource_LocksThatSourceOnlyForFifteenMinutes()
    {
        SignInLockout lockout = Lockout();

        for (int i = 1; i <= 4; i++)
        {
            Assert.Null(await lockout.RecordFailureAsync("admin", Attacker, CancellationToken.None));
        }

        Assert.Equal(Start.AddMinutes(15), await lockout.RecordFailureAsync("admin", Attacker, CancellationToken.None));
        Assert.Equal(Start.AddMinutes(15), await lockout.LockedUntilAsync("admin", Attacker, CancellationToken.None));
        Assert.Equal(Start.AddMinutes(15), await lockout.LockedUntilAsync("ADMIN", Attacker, CancellationToken.None));
        Assert.Null(await lockout.LockedUntilAsync("admin", Owner, CancellationToken.None));
        Assert.Null(await lockout.LockedUntilAsync("operator", Attacker, CancellationToken.None));

        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(await lockout.LockedUntilAsync("admin", Attacker, CancellationToken.None));
    }

    [Fact]
    public async Task RecordFailure_SpreadOverMoreThanThePeriod_NeverLocks()
    {
        SignInLockout lockout = Lockout();

        for (int i = 0; i < 20; i++)
        {
            Assert.Null(await lockout.RecordFailureAsync("admin", Attacker, CancellationToken.None));
            _clock.Advance(TimeSpan.FromMinutes(4));
        }
    }

    [Fact]
    public async Task RecordFailure_WhileLocked_DoesNotExtendTheLockout()
    {
        SignInLockout lockout = Lockout();
        await FailAsync(lockout, "admin", Attacker, 5);
        _clock.Advance(TimeSpan.FromMinutes(10));

        await FailAsync(lockout, "admin", Attacker, 20);

        Assert.Equal(Start.AddMinutes(15), await lockout.LockedUntilAsync("admin", Attacker, CancellationToken.None));
    }

    [Fact]
    public async Task RecordFailure_AfterLockoutEnds_GivesTheFullThresholdAgain()
    {
        SignInLockout lockout = Lockout();
        await FailAsync(lockout, "admin", Attacker, 5);
        _clock.Advance(TimeSpan.FromMinutes(15));

        await FailAsync(lockout, "admin", Attacker, 4);
        Assert.Null(await lockout.LockedUntilAsync("admin", Attacker, CancellationToken.None));

        Assert.Equal(_clock.GetUtcNow().AddMinutes(15), await lockout.RecordFailureAsync("admin", Attacker, CancellationToken.None));
    }

    [Fact]
    public async Task RecordFailure_AddressesInOneIpv6Slash64_CountAsOneSource()
    {
        SignInLockout lockout = Lockout();

        for (int i = 1; i <= 5; i++)
        {
            await lockout.RecordFailureAsync("admin", $"2001:db8:1:2::{i:x}", CancellationToken.None);
        }

        Assert.NotNull(await lockout.LockedUntilAsync("admin", "2001:db8:1:2:ffff::1", CancellationToken.None));
        Assert.Null(await lockout.LockedUntilAsync("admin", "2001:db8:1:3::1", CancellationToken.None));
    }

    [Fact]
    public async Task RecordSuccess_AfterFailures_ClearsThatSourcesCount()
    {
        SignInLockout lockout = Lockout();
        await FailAsync(lockout, "admin", Owner, 4);

        await lockout.RecordSuccessAsync("admin", Owner, CancellationToken.None);

        // Four more failures do not lock: the earlier four were forgotten.
        await FailAsync(lockout, "admin", Owner, 4);
        Assert.Null(await lockout.LockedUntilAsync("admin", Owner, CancellationToken.None));
    }

    [Fact]
    public async Task SlowDown_AccountUnderAttack_FailedSourcesShareOneAttemptPerIntervalOthersGoAhead()
    {
        SignInLockout lockout = Lockout(new LockoutOptions { SlowDownThreshold = 10, SlowDownSeconds = 5 });
        for (int i = 0; i < 9; i++)
        {
            await lockout.RecordFailureAsync("admin", $"198.51.100.{i}", CancellationToken.None);
        }

        Assert.Null(await lockout.SlowDownAsync("admin", "198.51.100.0", CancellationToken.None));
        await lockout.RecordFailureAsync("admin", "198.51.100.9", CancellationToken.None);

        Assert.Null(await lockout.SlowDownAsync("admin", "198.51.100.0", CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(5), await lockout.SlowDownAsync("admin", "198.51.100.1", CancellationToken.None));
        Assert.Null(await lockout.SlowDownAsync("admin", Owner, CancellationToken.None));
        Assert.Null(await lockout.SlowDownAsync("operator", "198.51.100.1", CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(3), await lockout.SlowDownAsync("admin", "198.51.100.1", CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Null(await lockout.SlowDownAsync("admin", "198.51.100.1", CancellationToken.None));
    }

    [Fact]
    public async Task SlowDown_FailuresOlderThanThePeriod_NoLongerSlowDown()
    {
        SignInLockout lockout = Lockout(new LockoutOptions { SlowDownThreshold = 10 });
        for (int i = 0; i < 10; i++)
        {
            await lockout.RecordFailureAsync("admin", $"198.51.100.{i}", CancellationToken.None);
        }

        Assert.Null(await lockout.SlowDownAsync("admin", "198.51.100.0", CancellationToken.None));
        Assert.NotNull(await lockout.SlowDownAsync("admin", "198.51.100.1", CancellationToken.None));

        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(await lockout.SlowDownAsync("admin", "198.51.100.1", CancellationToken.None));
        Assert.Null(await lockout.SlowDownAsync("admin", "198.51.100.2", CancellationToken.None));
    }

    [Fact]
    public async Task SlowDown_SourceThatSucceededSince_IsNotSlowedDown()
    {
        SignInLockout lockout = Lockout(new LockoutOptions { SlowDownThreshold = 10 });
        await lockout.RecordFailureAsync("admin", Owner, CancellationToken.None);
        await FailAsync(lockout, "admin", Attacker, 4);
        for (int i = 0; i < 5; i++)
        {
            await lockout.RecordFailureAsync("admin", $"198.51.100.{i}", CancellationToken.None);
        }

        await lockout.RecordSuccessAsync("admin", Owner, CancellationToken.None);
        Assert.Null(await lockout.SlowDownAsync("admin", Attacker, CancellationToken.None)); // takes the interval's one attempt

        Assert.Null(await lockout.SlowDownAsync("admin", Owner, CancellationToken.None));
        Assert.NotNull(await lockout.SlowDownAsync("admin", Attacker, CancellationToken.None));
    }

    [Fact]
    public async Task Clear_LockedSources_LiftsEveryLockoutOnTheName()
    {
        SignInLockout lockout = Lockout();
        await FailAsync(lockout, "admin", Attacker, 5);
        await FailAsync(lockout, "admin", "198.51.100.1", 5);

        await lockout.ClearAsync("Admin", CancellationToken.None);

        Assert.Null(await lockout.LockedUntilAsync("admin", Attacker, CancellationToken.None));
        Assert.Null(await lockout.LockedUntilAsync("admin", "198.51.100.1", CancellationToken.None));
        Assert.Equal(new SignInLockoutStatus(0, null, 0), await lockout.StatusAsync("admin", CancellationToken.None));
    }

    [Fact]
    public async Task Status_FailuresFromSeveralSources_ReportsTheirCountAndTheLatestLockout()
    {
        SignInLockout lockout = Lockout();
        await FailAsync(lockout, "admin", Attacker, 5);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await FailAsync(lockout, "admin", "198.51.100.1", 5);
        await lockout.RecordFailureAsync("admin", Owner, CancellationToken.None);

        Assert.Equal(new SignInLockoutStatus(11, Start.AddMinutes(16), 2), await lockout.StatusAsync("admin", CancellationToken.None));
    }

    private static async Task FailAsync(SignInLockout lockout, string userName, string source, int times)
    {
        for (int i = 0; i < times; i++)
        {
            await lockout.RecordFailureAsync(userName, source, CancellationToken.None);
        }
    }

    private SignInLockout Lockout(LockoutOptions? options = null) => new(new MemoryFailureStore(), Options.Create(options ?? new LockoutOptions()), _clock);
}

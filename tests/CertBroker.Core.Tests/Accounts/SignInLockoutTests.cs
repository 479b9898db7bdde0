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
    public void RecordFailure_DefaultThresholdFromOneSource_LocksThatSourceOnlyForFifteenMinutes()
    {
        SignInLockout lockout = Lockout();

        for (int i = 1; i <= 4; i++)
        {
            Assert.Null(lockout.RecordFailure("admin", Attacker));
        }

        Assert.Equal(Start.AddMinutes(15), lockout.RecordFailure("admin", Attacker));
        Assert.Equal(Start.AddMinutes(15), lockout.LockedUntil("admin", Attacker));
        Assert.Equal(Start.AddMinutes(15), lockout.LockedUntil("ADMIN", Attacker));
        Assert.Null(lockout.LockedUntil("admin", Owner));
        Assert.Null(lockout.LockedUntil("operator", Attacker));

        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(lockout.LockedUntil("admin", Attacker));
    }

    [Fact]
    public void RecordFailure_SpreadOverMoreThanThePeriod_NeverLocks()
    {
        SignInLockout lockout = Lockout();

        for (int i = 0; i < 20; i++)
        {
            Assert.Null(lockout.RecordFailure("admin", Attacker));
            _clock.Advance(TimeSpan.FromMinutes(4));
        }
    }

    [Fact]
    public void RecordFailure_WhileLocked_DoesNotExtendTheLockout()
    {
        SignInLockout lockout = Lockout();
        Fail(lockout, "admin", Attacker, 5);
        _clock.Advance(TimeSpan.FromMinutes(10));

        Fail(lockout, "admin", Attacker, 20);

        Assert.Equal(Start.AddMinutes(15), lockout.LockedUntil("admin", Attacker));
    }

    [Fact]
    public void RecordFailure_AfterLockoutEnds_GivesTheFullThresholdAgain()
    {
        SignInLockout lockout = Lockout();
        Fail(lockout, "admin", Attacker, 5);
        _clock.Advance(TimeSpan.FromMinutes(15));

        Fail(lockout, "admin", Attacker, 4);
        Assert.Null(lockout.LockedUntil("admin", Attacker));

        Assert.Equal(_clock.GetUtcNow().AddMinutes(15), lockout.RecordFailure("admin", Attacker));
    }

    [Fact]
    public void RecordFailure_AddressesInOneIpv6Slash64_CountAsOneSource()
    {
        SignInLockout lockout = Lockout();

        for (int i = 1; i <= 5; i++)
        {
            lockout.RecordFailure("admin", $"2001:db8:1:2::{i:x}");
        }

        Assert.NotNull(lockout.LockedUntil("admin", "2001:db8:1:2:ffff::1"));
        Assert.Null(lockout.LockedUntil("admin", "2001:db8:1:3::1"));
    }

    [Fact]
    public void RecordSuccess_AfterFailures_ClearsThatSourcesCount()
    {
        SignInLockout lockout = Lockout();
        Fail(lockout, "admin", Owner, 4);

        lockout.RecordSuccess("admin", Owner);

        // Four more failures do not lock: the earlier four were forgotten.
        Fail(lockout, "admin", Owner, 4);
        Assert.Null(lockout.LockedUntil("admin", Owner));
    }

    [Fact]
    public void SlowDown_AccountUnderAttack_FailedSourcesShareOneAttemptPerIntervalOthersGoAhead()
    {
        SignInLockout lockout = Lockout(new LockoutOptions { SlowDownThreshold = 10, SlowDownSeconds = 5 });
        for (int i = 0; i < 9; i++)
        {
            lockout.RecordFailure("admin", $"198.51.100.{i}");
        }

        Assert.Null(lockout.SlowDown("admin", "198.51.100.0"));
        lockout.RecordFailure("admin", "198.51.100.9");

        Assert.Null(lockout.SlowDown("admin", "198.51.100.0"));
        Assert.Equal(TimeSpan.FromSeconds(5), lockout.SlowDown("admin", "198.51.100.1"));
        Assert.Null(lockout.SlowDown("admin", Owner));
        Assert.Null(lockout.SlowDown("operator", "198.51.100.1"));

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(3), lockout.SlowDown("admin", "198.51.100.1"));
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Null(lockout.SlowDown("admin", "198.51.100.1"));
    }

    [Fact]
    public void SlowDown_FailuresOlderThanThePeriod_NoLongerSlowDown()
    {
        SignInLockout lockout = Lockout(new LockoutOptions { SlowDownThreshold = 10 });
        for (int i = 0; i < 10; i++)
        {
            lockout.RecordFailure("admin", $"198.51.100.{i}");
        }

        Assert.Null(lockout.SlowDown("admin", "198.51.100.0"));
        Assert.NotNull(lockout.SlowDown("admin", "198.51.100.1"));

        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(lockout.SlowDown("admin", "198.51.100.1"));
        Assert.Null(lockout.SlowDown("admin", "198.51.100.2"));
    }

    [Fact]
    public void SlowDown_SourceThatSucceededSince_IsNotSlowedDown()
    {
        SignInLockout lockout = Lockout(new LockoutOptions { SlowDownThreshold = 10 });
        lockout.RecordFailure("admin", Owner);
        Fail(lockout, "admin", Attacker, 4);
        for (int i = 0; i < 5; i++)
        {
            lockout.RecordFailure("admin", $"198.51.100.{i}");
        }

        lockout.RecordSuccess("admin", Owner);
        Assert.Null(lockout.SlowDown("admin", Attacker)); // takes the interval's one attempt

        Assert.Null(lockout.SlowDown("admin", Owner));
        Assert.NotNull(lockout.SlowDown("admin", Attacker));
    }

    [Fact]
    public void Clear_LockedSources_LiftsEveryLockoutOnTheName()
    {
        SignInLockout lockout = Lockout();
        Fail(lockout, "admin", Attacker, 5);
        Fail(lockout, "admin", "198.51.100.1", 5);

        lockout.Clear("Admin");

        Assert.Null(lockout.LockedUntil("admin", Attacker));
        Assert.Null(lockout.LockedUntil("admin", "198.51.100.1"));
        Assert.Equal(new SignInLockoutStatus(0, null, 0), lockout.Status("admin"));
    }

    [Fact]
    public void Status_FailuresFromSeveralSources_ReportsTheirCountAndTheLatestLockout()
    {
        SignInLockout lockout = Lockout();
        Fail(lockout, "admin", Attacker, 5);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Fail(lockout, "admin", "198.51.100.1", 5);
        lockout.RecordFailure("admin", Owner);

        Assert.Equal(new SignInLockoutStatus(11, Start.AddMinutes(16), 2), lockout.Status("admin"));
    }

    private static void Fail(SignInLockout lockout, string userName, string source, int times)
    {
        for (int i = 0; i < times; i++)
        {
            lockout.RecordFailure(userName, source);
        }
    }

    private SignInLockout Lockout(LockoutOptions? options = null) => new(Options.Create(options ?? new LockoutOptions()), _clock);
}

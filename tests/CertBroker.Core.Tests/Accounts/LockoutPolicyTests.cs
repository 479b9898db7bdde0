using CertBroker.Core.Accounts;
using CertBroker.Core.Tests.Support;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Accounts;

public sealed class LockoutPolicyTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);

    [Fact]
    public void RecordFailure_DefaultTimeline_FifthFailureLocksForFifteenMinutesThenUnlocks()
    {
        LockoutPolicy policy = Policy();
        LockoutState state = LockoutState.Clear;

        for (int i = 1; i <= 4; i++)
        {
            state = policy.RecordFailure(state);
            Assert.Null(policy.LockedUntil(state));
            Assert.Equal(i, state.FailureCount);
        }

        state = policy.RecordFailure(state);
        Assert.Equal(Start.AddMinutes(15), policy.LockedUntil(state));

        _clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.NotNull(policy.LockedUntil(state));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(policy.LockedUntil(state));
    }

    [Fact]
    public void RecordFailure_AfterLockoutEnds_GivesTheFullThresholdAgain()
    {
        LockoutPolicy policy = Policy();
        LockoutState state = FailTimes(policy, LockoutState.Clear, 5);
        _clock.Advance(TimeSpan.FromMinutes(15));

        state = FailTimes(policy, state, 4);
        Assert.Null(policy.LockedUntil(state));

        state = policy.RecordFailure(state);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(15), policy.LockedUntil(state));
    }

    [Fact]
    public void RecordFailure_WhileLocked_DoesNotExtendTheLockout()
    {
        LockoutPolicy policy = Policy();
        LockoutState locked = FailTimes(policy, LockoutState.Clear, 5);
        _clock.Advance(TimeSpan.FromMinutes(10));

        LockoutState after = FailTimes(policy, locked, 20);

        Assert.Equal(locked, after);
        Assert.Equal(Start.AddMinutes(15), policy.LockedUntil(after));
    }

    [Fact]
    public void RecordSuccess_AfterFailures_ResetsTheCounter()
    {
        LockoutPolicy policy = Policy();
        LockoutState state = FailTimes(policy, LockoutState.Clear, 4);

        state = policy.RecordSuccess(state);
        Assert.Equal(LockoutState.Clear, state);

        // Four more failures do not lock: the earlier four were forgotten.
        state = FailTimes(policy, state, 4);
        Assert.Null(policy.LockedUntil(state));
    }

    [Fact]
    public void RecordSuccess_WhileLocked_KeepsTheLockout()
    {
        LockoutPolicy policy = Policy();
        LockoutState locked = FailTimes(policy, LockoutState.Clear, 5);

        Assert.Equal(locked, policy.RecordSuccess(locked));
    }

    [Fact]
    public void RecordFailure_ConfiguredThresholdAndDuration_AreHonoured()
    {
        LockoutPolicy policy = Policy(new LockoutOptions { Threshold = 1, DurationMinutes = 60 });

        LockoutState state = policy.RecordFailure(LockoutState.Clear);

        Assert.Equal(Start.AddMinutes(60), policy.LockedUntil(state));
    }

    [Fact]
    public void RecordFailure_InputState_IsLeftUnchanged()
    {
        LockoutPolicy policy = Policy();
        var before = new LockoutState(3, null);

        policy.RecordFailure(before);

        Assert.Equal(new LockoutState(3, null), before);
    }

    private static LockoutState FailTimes(LockoutPolicy policy, LockoutState state, int times)
    {
        for (int i = 0; i < times; i++)
        {
            state = policy.RecordFailure(state);
        }

        return state;
    }

    private LockoutPolicy Policy(LockoutOptions? options = null) => new(Options.Create(options ?? new LockoutOptions()), _clock);
}

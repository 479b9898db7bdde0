using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>
/// Decides what a sign-in attempt does to an account's <see cref="LockoutState"/>: the threshold-th failure in a row
/// locks the account for the configured duration; a success clears the failures.
/// </summary>
public sealed class LockoutPolicy
{
    private readonly LockoutOptions _options;
    private readonly TimeProvider _timeProvider;

    public LockoutPolicy(IOptions<LockoutOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Value;
        _timeProvider = timeProvider;
    }

    /// <summary>The end of the lockout in force now, or null when sign-in attempts are allowed.</summary>
    public DateTimeOffset? LockedUntil(LockoutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.LockedUntil is { } until && until > _timeProvider.GetUtcNow() ? until : null;
    }

    /// <summary>
    /// The state after a wrong password. While locked, the state is returned unchanged: attempts during a lockout are
    /// refused without being counted, so they cannot stretch it and keep the rightful user out indefinitely.
    /// </summary>
    public LockoutState RecordFailure(LockoutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (LockedUntil(state) is not null)
        {
            return state;
        }

        // An expired lockout starts a fresh count (FailureCount was reset when it was imposed).
        int failures = state.FailureCount + 1;
        if (failures >= _options.Threshold)
        {
            // The count restarts so that after the lockout the user has the full threshold of attempts again.
            return new LockoutState(0, _timeProvider.GetUtcNow().AddMinutes(_options.DurationMinutes));
        }

        return new LockoutState(failures, null);
    }

    /// <summary>The state after a correct password: failures forgotten. A lockout in force is not lifted by it.</summary>
    public LockoutState RecordSuccess(LockoutState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return LockedUntil(state) is not null ? state : LockoutState.Clear;
    }
}

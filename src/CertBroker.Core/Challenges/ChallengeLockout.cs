using System.Collections.Concurrent;
using CertBroker.Core.Cluster;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Challenges;

/// <summary>
/// Counts failed challenge attempts per source and profile and locks out a source that reaches the threshold on a
/// profile (see <see cref="ChallengeLockoutOptions"/>). Per profile, so that a success with one profile's secret
/// never clears the guesses at another's; an IPv6 source counts by its /64, which one host usually has to itself.
/// The counts live in <see cref="IFailureStore"/>, so guesses spread over several nodes lock out on all of them.
/// </summary>
public sealed class ChallengeLockout(IFailureStore store, IOptions<ChallengeLockoutOptions> options, TimeProvider time)
{
    // Lockouts this node has seen, so a locked-out source's flood is refused without a database read. Only ever a
    // shortcut to "locked": the database decides everything else.
    private const int KnownLockoutsKept = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _knownLockouts = new(StringComparer.Ordinal);

    private TimeSpan Period => TimeSpan.FromMinutes(options.Value.PeriodMinutes);

    private FailureRule Rule => new(options.Value.Threshold, Period, Period);

    /// <summary>Whether <paramref name="source"/> is locked out on <paramref name="profile"/> now, and until when.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(string? source, string profile, CancellationToken cancellationToken) =>
        (await StateAsync(source, profile, cancellationToken).ConfigureAwait(false)).LockedUntil;

    /// <summary>
    /// Whether <paramref name="source"/> is locked out on <paramref name="profile"/> now, and whether it has failures on
    /// record at all: a success after none needs no reset (<see cref="RecordSuccessAsync"/>), which saves the store a
    /// look-up on every enrolment.
    /// </summary>
    public async Task<LockoutState> StateAsync(string? source, string profile, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            return LockoutState.Clear;
        }

        DateTimeOffset now = time.GetUtcNow();
        FailureKey key = Key(source, profile);
        string local = LocalKey(key);
        if (_knownLockouts.TryGetValue(local, out DateTimeOffset known) && known > now)
        {
            return new LockoutState(known, HasFailures: true);
        }

        FailureCount count = await store.FindAsync(key, cancellationToken).ConfigureAwait(false);
        if (!count.IsLockedAt(now))
        {
            return new LockoutState(null, HasFailures: count.Count > 0);
        }

        Remember(local, count.LockedUntil, now);
        return new LockoutState(count.LockedUntil, HasFailures: true);
    }

    /// <summary>Counts a failure.</summary>
    /// <returns>True when this failure locked the source out (the moment to audit the lockout).</returns>
    public async Task<bool> RecordFailureAsync(string? source, string profile, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            return false;
        }

        DateTimeOffset now = time.GetUtcNow();
        FailureKey key = Key(source, profile);
        FailureRecorded recorded = await store.RecordAsync(key, Rule, now, cancellationToken).ConfigureAwait(false);
        if (recorded.Count.IsLockedAt(now))
        {
            Remember(LocalKey(key), recorded.Count.LockedUntil, now);
        }

        return recorded.LockedNow;
    }

    /// <summary>A correct challenge clears the source's count for that profile only.</summary>
    public Task RecordSuccessAsync(string? source, string profile, CancellationToken cancellationToken) =>
        source is null ? Task.CompletedTask : store.ResetAsync(Key(source, profile), time.GetUtcNow(), cancellationToken);

    /// <summary>The counter's key: the profile, and the address or, for IPv6, its /64 network.</summary>
    public static FailureKey Key(string source, string profile)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(profile);
        return new FailureKey(FailureKind.Challenge, profile.ToLowerInvariant(), SourceNetwork.Of(source));
    }

    private static string LocalKey(FailureKey key) => key.Subject + "\n" + key.Source;

    private void Remember(string local, DateTimeOffset until, DateTimeOffset now)
    {
        if (_knownLockouts.Count >= KnownLockoutsKept)
        {
            foreach ((string each, DateTimeOffset end) in _knownLockouts)
            {
                if (end <= now)
                {
                    _knownLockouts.TryRemove(each, out _);
                }
            }

            if (_knownLockouts.Count >= KnownLockoutsKept)
            {
                return;
            }
        }

        _knownLockouts[local] = until;
    }
}

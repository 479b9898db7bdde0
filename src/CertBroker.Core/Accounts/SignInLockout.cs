using System.Collections.Concurrent;
using CertBroker.Core.Challenges;
using CertBroker.Core.Cluster;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>
/// Counts failed sign-ins per user name and source (see <see cref="LockoutOptions"/>). A source that reaches the
/// threshold on a name is locked out of that name only, so an attacker elsewhere cannot keep the owner out; a name
/// failed from many sources is slowed down for the sources that failed, never locked. Names are counted whether or not
/// an account has them, so neither lockout nor slow-down tells which names exist. The counts live in
/// <see cref="IFailureStore"/>, shared by every node; only the slow-down's next free slot is kept per node, so with
/// several nodes an account under attack gets one attempt per interval on each.
/// </summary>
public sealed class SignInLockout(IFailureStore store, IOptions<LockoutOptions> options, TimeProvider time)
{
    // Names whose slot has passed are dropped once the table grows this big; entries are only made while a name is
    // under attack.
    private const int SweepSlotsAbove = 10_000;

    // Longer names cannot be accounts (user names have at most 64 characters); cut, they cannot make entries big.
    private const int MaxKeyLength = 64;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _nextSlowedAttempt = new(StringComparer.Ordinal);

    private LockoutOptions Options => options.Value;

    private TimeSpan Period => TimeSpan.FromMinutes(Options.DurationMinutes);

    /// <summary>The end of <paramref name="source"/>'s lockout from <paramref name="userName"/>, or null when it may try.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(string userName, string? source, CancellationToken cancellationToken)
    {
        FailureCount count = await store.FindAsync(SourceKey(userName, source), cancellationToken).ConfigureAwait(false);
        return count.IsLockedAt(time.GetUtcNow()) ? count.LockedUntil : null;
    }

    /// <summary>
    /// Whether an attempt on <paramref name="userName"/> from <paramref name="source"/> must wait: the name is under
    /// attack and this source has failed on it. Null admits the attempt (and takes the name's next slot when slowed
    /// down); otherwise how long until the next slot.
    /// </summary>
    public async Task<TimeSpan?> SlowDownAsync(string userName, string? source, CancellationToken cancellationToken)
    {
        FailureCount name = await store.FindAsync(NameKey(userName), cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        if (name.CountAt(now, Period) < Options.SlowDownThreshold)
        {
            return null;
        }

        FailureCount failures = await store.FindAsync(SourceKey(userName, source), cancellationToken).ConfigureAwait(false);
        if (failures.LastFailure <= now - Period)
        {
            // A source that has not failed here lately: the owner at their usual place.
            return null;
        }

        string key = Key(userName).ToLowerInvariant();
        lock (_nextSlowedAttempt)
        {
            if (_nextSlowedAttempt.TryGetValue(key, out DateTimeOffset next) && now < next)
            {
                return next - now;
            }

            if (_nextSlowedAttempt.Count > SweepSlotsAbove)
            {
                foreach ((string each, DateTimeOffset slot) in _nextSlowedAttempt)
                {
                    if (slot <= now)
                    {
                        _nextSlowedAttempt.TryRemove(each, out _);
                    }
                }
            }

            _nextSlowedAttempt[key] = now + TimeSpan.FromSeconds(Options.SlowDownSeconds);
            return null;
        }
    }

    /// <summary>Counts a failed sign-in.</summary>
    /// <returns>The end of the lockout this failure imposed on the source, or null when it imposed none.</returns>
    public async Task<DateTimeOffset?> RecordFailureAsync(string userName, string? source, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        FailureRecorded recorded = await store.RecordAsync(
            SourceKey(userName, source), new FailureRule(Options.Threshold, Period, Period), now, cancellationToken).ConfigureAwait(false);
        if (!recorded.LockedNow && recorded.Count.IsLockedAt(now))
        {
            // Attempts during a lockout are not counted, so they cannot stretch it.
            return null;
        }

        await store.RecordAsync(NameKey(userName), new FailureRule(0, Period, null), now, cancellationToken).ConfigureAwait(false);
        return recorded.LockedNow ? recorded.Count.LockedUntil : null;
    }

    /// <summary>
    /// A correct password clears the source's failures on the name, which also ends its slow-down. The name's count
    /// from all sources stays: one success by the owner does not call off an attack elsewhere.
    /// </summary>
    public Task RecordSuccessAsync(string userName, string? source, CancellationToken cancellationToken) =>
        store.ResetAsync(SourceKey(userName, source), time.GetUtcNow(), cancellationToken);

    /// <summary>Forgets every failure and lifts every lockout on <paramref name="userName"/> (an administrator's unlock).</summary>
    public async Task ClearAsync(string userName, CancellationToken cancellationToken)
    {
        string subject = Subject(userName);
        await store.ClearAsync(FailureKind.SignInSource, subject, cancellationToken).ConfigureAwait(false);
        await store.ClearAsync(FailureKind.SignInName, subject, cancellationToken).ConfigureAwait(false);
        _nextSlowedAttempt.TryRemove(subject, out _);
    }

    /// <summary>What an administrator sees of a name: failures from all sources in the period, and the latest lockout end of any source.</summary>
    public async Task<SignInLockoutStatus> StatusAsync(string userName, CancellationToken cancellationToken)
    {
        FailureCount name = await store.FindAsync(NameKey(userName), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<FailureCount> sources = await store.ListAsync(FailureKind.SignInSource, Subject(userName), cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset[] locks = [.. sources.Where(s => s.IsLockedAt(now)).Select(s => s.LockedUntil)];
        return new SignInLockoutStatus(name.CountAt(now, Period), locks.Length == 0 ? null : locks.Max(), locks.Length);
    }

    private static FailureKey SourceKey(string userName, string? source) =>
        new(FailureKind.SignInSource, Subject(userName), source is null ? "" : SourceNetwork.Of(source));

    private static FailureKey NameKey(string userName) => new(FailureKind.SignInName, Subject(userName), "");

    // User names compare without regard to case.
    private static string Subject(string userName) => Key(userName).ToLowerInvariant();

    private static string Key(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return userName.Length > MaxKeyLength ? userName[..MaxKeyLength] : userName;
    }
}

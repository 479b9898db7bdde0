using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>
/// Counts failed sign-ins in memory per user name and source (see <see cref="LockoutOptions"/>). A source that
/// reaches the threshold on a name is locked out of that name only, so an attacker elsewhere cannot keep the owner
/// out; a name failed from many sources is slowed down for the sources that failed, never locked. Names are counted
/// whether or not an account has them, so neither lockout nor slow-down tells which names exist. In memory because
/// the counts only have to slow guessing at this process; a restart forgets them.
/// </summary>
public sealed class SignInLockout(IOptions<LockoutOptions> options, TimeProvider time)
{
    // Names idle longer than a period are dropped once the table grows this big. Entries are only made by failed
    // password checks, whose rate the password-check queue bounds, so the table stays a few megabytes at worst.
    private const int SweepAbove = 10_000;

    // Sources of one name idle longer than a period are dropped once it has this many, so a botnet cannot grow it.
    private const int SweepSourcesAbove = 1_000;

    // Longer names cannot be accounts (user names have at most 64 characters); cut, they cannot make entries big.
    private const int MaxKeyLength = 64;

    private readonly ConcurrentDictionary<string, NameFailures> _names = new(StringComparer.OrdinalIgnoreCase);

    private LockoutOptions Options => options.Value;

    private TimeSpan Period => TimeSpan.FromMinutes(Options.DurationMinutes);

    /// <summary>The end of <paramref name="source"/>'s lockout from <paramref name="userName"/>, or null when it may try.</summary>
    public DateTimeOffset? LockedUntil(string userName, string? source)
    {
        if (!_names.TryGetValue(Key(userName), out NameFailures? name))
        {
            return null;
        }

        lock (name)
        {
            return name.Sources.TryGetValue(SourceNetwork.Of(source), out SourceFailures? failures)
                && failures.LockedUntil > time.GetUtcNow()
                    ? failures.LockedUntil
                    : null;
        }
    }

    /// <summary>
    /// Whether an attempt on <paramref name="userName"/> from <paramref name="source"/> must wait: the name is under
    /// attack and this source has failed on it. Null admits the attempt (and takes the name's next slot when slowed
    /// down); otherwise how long until the next slot.
    /// </summary>
    public TimeSpan? SlowDown(string userName, string? source)
    {
        if (!_names.TryGetValue(Key(userName), out NameFailures? name))
        {
            return null;
        }

        DateTimeOffset now = time.GetUtcNow();
        lock (name)
        {
            Forget(name.Times, now);
            if (name.Times.Count < Options.SlowDownThreshold
                || !name.Sources.TryGetValue(SourceNetwork.Of(source), out SourceFailures? failures)
                || failures.LastFailure <= now - Period)
            {
                // Not under attack, or a source that has not failed here lately: the owner at their usual place.
                return null;
            }

            if (now < name.NextSlowedAttempt)
            {
                return name.NextSlowedAttempt - now;
            }

            name.NextSlowedAttempt = now + TimeSpan.FromSeconds(Options.SlowDownSeconds);
            return null;
        }
    }

    /// <summary>Counts a failed sign-in.</summary>
    /// <returns>The end of the lockout this failure imposed on the source, or null when it imposed none.</returns>
    public DateTimeOffset? RecordFailure(string userName, string? source)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_names.Count > SweepAbove)
        {
            Sweep(now);
        }

        NameFailures name = _names.GetOrAdd(Key(userName), static _ => new NameFailures());
        lock (name)
        {
            // Attempts during a lockout are not counted, so they cannot stretch it.
            string network = SourceNetwork.Of(source);
            if (name.Sources.TryGetValue(network, out SourceFailures? failures) && failures.LockedUntil > now)
            {
                return null;
            }

            if (failures is null && name.Sources.Count > SweepSourcesAbove)
            {
                foreach ((string idle, SourceFailures old) in name.Sources.Where(s => s.Value.LastFailure <= now - Period && s.Value.LockedUntil <= now).ToList())
                {
                    name.Sources.Remove(idle);
                }
            }

            failures ??= name.Sources[network] = new SourceFailures();
            Forget(name.Times, now);
            Forget(failures.Times, now);
            name.Times.Enqueue(now);
            name.LastFailure = now;
            failures.Times.Enqueue(now);
            failures.LastFailure = now;
            if (failures.Times.Count < Options.Threshold)
            {
                return null;
            }

            // The count restarts, so that after the lockout the source has the full threshold of attempts again.
            failures.Times.Clear();
            failures.LockedUntil = now + Period;
            return failures.LockedUntil;
        }
    }

    /// <summary>
    /// A correct password clears the source's failures on the name, which also ends its slow-down. The name's count
    /// from all sources stays: one success by the owner does not call off an attack elsewhere.
    /// </summary>
    public void RecordSuccess(string userName, string? source)
    {
        if (_names.TryGetValue(Key(userName), out NameFailures? name))
        {
            lock (name)
            {
                string network = SourceNetwork.Of(source);
                if (name.Sources.TryGetValue(network, out SourceFailures? failures) && failures.LockedUntil <= time.GetUtcNow())
                {
                    name.Sources.Remove(network);
                }
            }
        }
    }

    /// <summary>Forgets every failure and lifts every lockout on <paramref name="userName"/> (an administrator's unlock).</summary>
    public void Clear(string userName) => _names.TryRemove(Key(userName), out _);

    /// <summary>What an administrator sees of a name: failures from all sources in the period, and the latest lockout end of any source.</summary>
    public SignInLockoutStatus Status(string userName)
    {
        if (!_names.TryGetValue(Key(userName), out NameFailures? name))
        {
            return new SignInLockoutStatus(0, null, 0);
        }

        DateTimeOffset now = time.GetUtcNow();
        lock (name)
        {
            Forget(name.Times, now);
            DateTimeOffset[] locks = [.. name.Sources.Values.Select(s => s.LockedUntil).Where(until => until > now)];
            return new SignInLockoutStatus(name.Times.Count, locks.Length == 0 ? null : locks.Max(), locks.Length);
        }
    }

    private static string Key(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return userName.Length > MaxKeyLength ? userName[..MaxKeyLength] : userName;
    }

    private void Forget(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.Count > 0 && times.Peek() <= now - Period)
        {
            times.Dequeue();
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach ((string key, NameFailures name) in _names)
        {
            lock (name)
            {
                if (name.LastFailure <= now - Period && name.Sources.Values.All(s => s.LockedUntil <= now))
                {
                    _names.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class NameFailures
    {
        /// <summary>Failures from every source within the period.</summary>
        public Queue<DateTimeOffset> Times { get; } = new();

        public Dictionary<string, SourceFailures> Sources { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset LastFailure { get; set; }

        public DateTimeOffset NextSlowedAttempt { get; set; }
    }

    private sealed class SourceFailures
    {
        public Queue<DateTimeOffset> Times { get; } = new();

        public DateTimeOffset LastFailure { get; set; }

        public DateTimeOffset LockedUntil { get; set; }
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Challenges;

/// <summary>
/// Counts failed challenge attempts per source and profile in memory and locks out a source that reaches the
/// threshold on a profile (see <see cref="ChallengeLockoutOptions"/>). Per profile, so that a success with one
/// profile's secret never clears the guesses at another's; an IPv6 source counts by its /64, which one host
/// usually has to itself. In memory because the count only has to slow down guessing at this process.
/// </summary>
public sealed class ChallengeLockout(IOptions<ChallengeLockoutOptions> options, TimeProvider time)
{
    // Sources idle longer than a period are dropped once the table grows this big, so scans cannot fill memory.
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, SourceFailures> _sources = new(StringComparer.Ordinal);

    private TimeSpan Period => TimeSpan.FromMinutes(options.Value.PeriodMinutes);

    /// <summary>Whether <paramref name="source"/> is locked out now, and until when.</summary>
    public bool IsLockedOut(string? source, string profile, out DateTimeOffset until)
    {
        until = default;
        if (source is null || !_sources.TryGetValue(Key(source, profile), out SourceFailures? failures))
        {
            return false;
        }

        lock (failures)
        {
            until = failures.LockedUntil;
            return time.GetUtcNow() < failures.LockedUntil;
        }
    }

    /// <summary>Counts a failure.</summary>
    /// <returns>True when this failure locked the source out (the moment to audit the lockout).</returns>
    public bool RecordFailure(string? source, string profile)
    {
        if (source is null)
        {
            return false;
        }

        DateTimeOffset now = time.GetUtcNow();
        if (_sources.Count > SweepAbove)
        {
            Sweep(now);
        }

        SourceFailures failures = _sources.GetOrAdd(Key(source, profile), static _ => new SourceFailures());
        lock (failures)
        {
            while (failures.Times.Count > 0 && failures.Times.Peek() <= now - Period)
            {
                failures.Times.Dequeue();
            }

            failures.Times.Enqueue(now);
            failures.LastFailure = now;
            if (failures.Times.Count < options.Value.Threshold || now < failures.LockedUntil)
            {
                return false;
            }

            failures.LockedUntil = now + Period;
            failures.Times.Clear();
            return true;
        }
    }

    /// <summary>A correct challenge clears the source's count for that profile only.</summary>
    public void RecordSuccess(string? source, string profile)
    {
        if (source is not null && _sources.TryGetValue(Key(source, profile), out SourceFailures? failures))
        {
            lock (failures)
            {
                failures.Times.Clear();
            }
        }
    }

    /// <summary>The counter's key: the profile, and the address or, for IPv6, its /64 network.</summary>
    public static string Key(string source, string profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return profile.ToLowerInvariant() + "\n" + SourceNetwork.Of(source);
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach ((string source, SourceFailures failures) in _sources)
        {
            lock (failures)
            {
                if (failures.LastFailure <= now - Period && now >= failures.LockedUntil)
                {
                    _sources.TryRemove(source, out _);
                }
            }
        }
    }

    private sealed class SourceFailures
    {
        public Queue<DateTimeOffset> Times { get; } = new();

        public DateTimeOffset LastFailure { get; set; }

        public DateTimeOffset LockedUntil { get; set; }
    }
}

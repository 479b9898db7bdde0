using System.Collections.Concurrent;
using CertBroker.Core.Challenges;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Endpoints;

/// <summary>
/// Counts refused PKIOperations per source in memory, in a sliding window (see <see cref="ScepRateLimitOptions"/>).
/// In memory because it only has to hold back a loop at this process; idle sources are swept once the table grows.
/// </summary>
internal sealed class ScepFailureLimiter(IOptions<ScepRateLimitOptions> options, TimeProvider time)
{
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _sources = new(StringComparer.Ordinal);

    private TimeSpan Period => TimeSpan.FromMinutes(options.Value.PeriodMinutes);

    /// <summary>Whether <paramref name="source"/> is at its limit now, and how long until its oldest failure ages out.</summary>
    public bool IsLimited(string? source, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (source is null || !_sources.TryGetValue(SourceNetwork.Of(source), out Queue<DateTimeOffset>? failures))
        {
            return false;
        }

        DateTimeOffset now = time.GetUtcNow();
        lock (failures)
        {
            Expire(failures, now);
            if (failures.Count < options.Value.MaxFailures)
            {
                return false;
            }

            retryAfter = failures.Peek() + Period - now;
            return true;
        }
    }

    public void RecordFailure(string? source)
    {
        if (source is null)
        {
            return;
        }

        DateTimeOffset now = time.GetUtcNow();
        if (_sources.Count > SweepAbove)
        {
            Sweep(now);
        }

        Queue<DateTimeOffset> failures = _sources.GetOrAdd(SourceNetwork.Of(source), static _ => new Queue<DateTimeOffset>());
        lock (failures)
        {
            Expire(failures, now);
            if (failures.Count < options.Value.MaxFailures)
            {
                failures.Enqueue(now);
            }
        }
    }

    private void Expire(Queue<DateTimeOffset> failures, DateTimeOffset now)
    {
        while (failures.Count > 0 && failures.Peek() <= now - Period)
        {
            failures.Dequeue();
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach ((string source, Queue<DateTimeOffset> failures) in _sources)
        {
            lock (failures)
            {
                Expire(failures, now);
                if (failures.Count == 0)
                {
                    _sources.TryRemove(source, out _);
                }
            }
        }
    }
}

using System.Collections.Concurrent;

namespace CertBroker.Core.Challenges;

/// <summary>
/// Failure times per key (a source's network, say) in a sliding window, in memory: the limiters of refused SCEP
/// requests and failed sign-ins count with it. A key keeps at most its limit of times, and keys with none left in
/// the window are swept once the table grows, so neither scans nor floods fill memory.
/// </summary>
public sealed class FailureWindow(TimeProvider time)
{
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _keys = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="key"/> must wait until its oldest counted failure leaves the window, or null
    /// while it has fewer than <paramref name="limit"/> failures in it.</summary>
    public TimeSpan? RetryAfter(string key, int limit, TimeSpan window)
    {
        if (!_keys.TryGetValue(key, out Queue<DateTimeOffset>? times))
        {
            return null;
        }

        DateTimeOffset now = time.GetUtcNow();
        lock (times)
        {
            Forget(times, now, window);
            return times.Count < limit ? null : times.Peek() + window - now;
        }
    }

    public void Record(string key, int limit, TimeSpan window)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_keys.Count > SweepAbove)
        {
            Sweep(now, window);
        }

        Queue<DateTimeOffset> times = _keys.GetOrAdd(key, static _ => new Queue<DateTimeOffset>());
        lock (times)
        {
            Forget(times, now, window);
            times.Enqueue(now);

            // Only the newest limit-many matter for the answer; older ones would only hold memory.
            while (times.Count > limit)
            {
                times.Dequeue();
            }
        }
    }

    private static void Forget(Queue<DateTimeOffset> times, DateTimeOffset now, TimeSpan window)
    {
        while (times.Count > 0 && times.Peek() <= now - window)
        {
            times.Dequeue();
        }
    }

    private void Sweep(DateTimeOffset now, TimeSpan window)
    {
        foreach ((string key, Queue<DateTimeOffset> times) in _keys)
        {
            lock (times)
            {
                Forget(times, now, window);
                if (times.Count == 0)
                {
                    _keys.TryRemove(key, out _);
                }
            }
        }
    }
}

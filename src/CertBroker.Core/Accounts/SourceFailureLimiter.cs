using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>
/// Counts failed password sign-ins per source, whatever the names tried (see
/// <see cref="SignInLimitOptions.SourceFailureLimit"/>): a source spraying many names, or hammering a name it is
/// locked out of, is refused before any key derivation once it reaches the limit. A success does not clear the count:
/// failures are what cost, and a caller with one valid account must not buy more guesses at others with it.
/// </summary>
public sealed class SourceFailureLimiter(IOptions<SignInLimitOptions> options, TimeProvider time)
{
    // Sources idle longer than a window are dropped once the table grows this big.
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _sources = new(StringComparer.Ordinal);

    private TimeSpan Window => TimeSpan.FromMinutes(options.Value.SourceFailureWindowMinutes);

    /// <summary>How long <paramref name="source"/> must wait before its next password check, or null when it may go ahead.</summary>
    public TimeSpan? RetryAfter(string? source)
    {
        if (!_sources.TryGetValue(SourceNetwork.Of(source), out Queue<DateTimeOffset>? times))
        {
            return null;
        }

        DateTimeOffset now = time.GetUtcNow();
        lock (times)
        {
            Forget(times, now);
            return times.Count < options.Value.SourceFailureLimit ? null : times.Peek() + Window - now;
        }
    }

    public void RecordFailure(string? source)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_sources.Count > SweepAbove)
        {
            Sweep(now);
        }

        Queue<DateTimeOffset> times = _sources.GetOrAdd(SourceNetwork.Of(source), static _ => new Queue<DateTimeOffset>());
        lock (times)
        {
            Forget(times, now);
            times.Enqueue(now);

            // Only the newest limit-many matter for the answer; older ones would only hold memory.
            while (times.Count > options.Value.SourceFailureLimit)
            {
                times.Dequeue();
            }
        }
    }

    private void Forget(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.Count > 0 && times.Peek() <= now - Window)
        {
            times.Dequeue();
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach ((string source, Queue<DateTimeOffset> times) in _sources)
        {
            lock (times)
            {
                Forget(times, now);
                if (times.Count == 0)
                {
                    _sources.TryRemove(source, out _);
                }
            }
        }
    }
}

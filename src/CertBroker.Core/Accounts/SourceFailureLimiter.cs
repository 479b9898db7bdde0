using System.Collections.Concurrent;
using CertBroker.Core.Challenges;
using CertBroker.Core.Cluster;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>
/// Counts failed password sign-ins per source, whatever the names tried (see
/// <see cref="SignInLimitOptions.SourceFailureLimit"/>): a source spraying many names, or hammering a name it is
/// locked out of, is refused before any key derivation once it reaches the limit, until the window of its first
/// counted failure ends. A success does not clear the count: failures are what cost, and a caller with one valid
/// account must not buy more guesses at others with it. Counted in <see cref="IFailureStore"/>, shared by every node.
/// </summary>
public sealed class SourceFailureLimiter(IFailureStore store, IOptions<SignInLimitOptions> options, TimeProvider time)
{
    // Limits this node has seen reached, so a refused source's flood costs no database read. Nothing lifts such a
    // limit early, so the shortcut is never wrong.
    private const int KnownLimitsKept = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _knownLimits = new(StringComparer.Ordinal);

    private TimeSpan Window => TimeSpan.FromMinutes(options.Value.SourceFailureWindowMinutes);

    /// <summary>How long <paramref name="source"/> must wait before its next password check, or null when it may go ahead.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(string? source, CancellationToken cancellationToken)
    {
        FailureKey key = Key(source);
        DateTimeOffset now = time.GetUtcNow();
        if (_knownLimits.TryGetValue(key.Source, out DateTimeOffset known) && known > now)
        {
            return known - now;
        }

        FailureCount count = await store.FindAsync(key, cancellationToken).ConfigureAwait(false);
        if (!count.IsLockedAt(now))
        {
            return null;
        }

        Remember(key.Source, count.LockedUntil, now);
        return count.LockedUntil - now;
    }

    public async Task RecordFailureAsync(string? source, CancellationToken cancellationToken)
    {
        FailureKey key = Key(source);
        DateTimeOffset now = time.GetUtcNow();
        FailureRecorded recorded = await store.RecordAsync(
            key, new FailureRule(options.Value.SourceFailureLimit, Window, LockFor: null), now, cancellationToken).ConfigureAwait(false);
        if (recorded.Count.IsLockedAt(now))
        {
            Remember(key.Source, recorded.Count.LockedUntil, now);
        }
    }

    // Callers whose address is unknown (a Unix socket) count together.
    private static FailureKey Key(string? source) => new(FailureKind.SignInAnyName, "", source is null ? "" : SourceNetwork.Of(source));

    private void Remember(string source, DateTimeOffset until, DateTimeOffset now)
    {
        if (_knownLimits.Count >= KnownLimitsKept)
        {
            foreach ((string each, DateTimeOffset end) in _knownLimits)
            {
                if (end <= now)
                {
                    _knownLimits.TryRemove(each, out _);
                }
            }

            if (_knownLimits.Count >= KnownLimitsKept)
            {
                return;
            }
        }

        _knownLimits[source] = until;
    }
}

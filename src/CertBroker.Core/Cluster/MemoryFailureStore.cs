namespace CertBroker.Core.Cluster;

/// <summary>
/// Failure counts in this process only, for tests and tools without a database. The broker itself counts in its
/// database, where every node sees the same counts.
/// </summary>
public sealed class MemoryFailureStore : IFailureStore
{
    private readonly Dictionary<FailureKey, (FailureCount Count, TimeSpan Window)> _counts = [];

    public Task<FailureCount> FindAsync(FailureKey key, CancellationToken cancellationToken)
    {
        lock (_counts)
        {
            return Task.FromResult(_counts.TryGetValue(key, out var entry) ? entry.Count : FailureCount.None);
        }
    }

    public Task<FailureRecorded> RecordAsync(FailureKey key, FailureRule rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_counts)
        {
            if (!_counts.TryGetValue(key, out var entry))
            {
                MakeRoom(now);
                entry = (FailureCount.None, rule.Window);
            }

            FailureRecorded recorded = entry.Count.Next(rule, now);
            _counts[key] = (recorded.Count, rule.Window);
            return Task.FromResult(recorded);
        }
    }

    public Task ResetAsync(FailureKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_counts)
        {
            if (_counts.TryGetValue(key, out var entry) && !entry.Count.IsLockedAt(now))
            {
                _counts.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<FailureCount>> ListAsync(FailureKind kind, string subject, CancellationToken cancellationToken)
    {
        lock (_counts)
        {
            return Task.FromResult<IReadOnlyList<FailureCount>>(
                [.. _counts.Where(e => e.Key.Kind == kind && e.Key.Subject == subject).Select(e => e.Value.Count)]);
        }
    }

    public Task ClearAsync(FailureKind kind, string subject, CancellationToken cancellationToken)
    {
        lock (_counts)
        {
            foreach (FailureKey key in _counts.Keys.Where(k => k.Kind == kind && k.Subject == subject).ToList())
            {
                _counts.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    private void MakeRoom(DateTimeOffset now)
    {
        if (_counts.Count < IFailureStore.MaxKeys)
        {
            return;
        }

        foreach (var (key, _) in _counts.Where(e => e.Value.Count.ExpiresAt(e.Value.Window) <= now).ToList())
        {
            _counts.Remove(key);
        }

        if (_counts.Count >= IFailureStore.MaxKeys)
        {
            _counts.Remove(_counts.MinBy(e => e.Value.Count.ExpiresAt(e.Value.Window)).Key);
        }
    }
}

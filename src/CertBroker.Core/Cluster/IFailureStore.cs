namespace CertBroker.Core.Cluster;

/// <summary>
/// Failure counts shared by every node, so guesses spread over several nodes reach the same lockout. Bounded: rows
/// whose window and lockout have ended are swept when new keys arrive, and past <see cref="MaxKeys"/> keys the ones
/// ending soonest make room, so a caller inventing sources cannot fill the disk.
/// </summary>
public interface IFailureStore
{
    /// <summary>The most keys kept, all kinds together; a row is about 200 bytes.</summary>
    public const int MaxKeys = 100_000;

    /// <summary>The key's count, or <see cref="FailureCount.None"/>.</summary>
    Task<FailureCount> FindAsync(FailureKey key, CancellationToken cancellationToken);

    /// <summary>Counts a failure of <paramref name="key"/> by <see cref="FailureCount.Next"/>, atomically across nodes.</summary>
    Task<FailureRecorded> RecordAsync(FailureKey key, FailureRule rule, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Forgets the key's failures unless it is locked out at <paramref name="now"/> (a success).</summary>
    Task ResetAsync(FailureKey key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every count of <paramref name="kind"/> on <paramref name="subject"/>, whatever the source.</summary>
    Task<IReadOnlyList<FailureCount>> ListAsync(FailureKind kind, string subject, CancellationToken cancellationToken);

    /// <summary>Forgets every count of <paramref name="kind"/> on <paramref name="subject"/>, locked or not (an administrator's unlock).</summary>
    Task ClearAsync(FailureKind kind, string subject, CancellationToken cancellationToken);
}

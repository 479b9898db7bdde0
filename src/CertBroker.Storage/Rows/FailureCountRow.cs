using CertBroker.Core.Cluster;

namespace CertBroker.Storage.Rows;

/// <summary>A failure_counts row as both databases store it.</summary>
internal sealed class FailureCountRow
{
    public const string Columns = "count AS Count, window_start AS WindowStart, last_failure AS LastFailure, locked_until AS LockedUntil";

    public long Count { get; set; }

    public long WindowStart { get; set; }

    public long LastFailure { get; set; }

    public long LockedUntil { get; set; }

    public FailureCount ToRecord() => new(
        (int)Count,
        UnixMicroseconds.ToDateTimeOffset(WindowStart),
        UnixMicroseconds.ToDateTimeOffset(LastFailure),
        UnixMicroseconds.ToDateTimeOffset(LockedUntil));

    /// <summary>The parameters of an insert or update of <paramref name="count"/> under <paramref name="key"/>.</summary>
    public static object Parameters(FailureKey key, FailureCount count, TimeSpan window) => new
    {
        Kind = (long)key.Kind,
        key.Subject,
        key.Source,
        Count = (long)count.Count,
        WindowStart = UnixMicroseconds.From(count.WindowStart),
        LastFailure = UnixMicroseconds.From(count.LastFailure),
        LockedUntil = UnixMicroseconds.From(count.LockedUntil),
        ExpiresAt = UnixMicroseconds.From(count.ExpiresAt(window)),
    };
}

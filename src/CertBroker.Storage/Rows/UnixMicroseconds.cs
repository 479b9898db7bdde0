namespace CertBroker.Storage.Rows;

/// <summary>
/// Timestamps as whole microseconds since 1970-01-01T00:00:00Z. Integers sort and compare correctly in any
/// database, and microseconds are PostgreSQL's timestamp precision, so every store returns the same value.
/// Finer ticks are truncated towards the past; values read back are in UTC (offset zero).
/// </summary>
internal static class UnixMicroseconds
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public static long From(DateTimeOffset value)
    {
        var ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        // Floor rather than truncate toward zero, so instants before 1970 (possible in imported certificates) order correctly.
        return Math.DivRem(ticks, TicksPerMicrosecond, out var remainder) - (remainder < 0 ? 1 : 0);
    }

    public static long? From(DateTimeOffset? value) => value is { } v ? From(v) : null;

    public static DateTimeOffset ToDateTimeOffset(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (microseconds * TicksPerMicrosecond), TimeSpan.Zero);

    public static DateTimeOffset? ToDateTimeOffset(long? microseconds) =>
        microseconds is { } v ? ToDateTimeOffset(v) : null;
}

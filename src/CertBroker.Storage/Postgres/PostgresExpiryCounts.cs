using CertBroker.Core.Reports;
using CertBroker.Storage.Rows;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// Counts certificates in use by profile, state and days-left bucket in one statement, without sending rows. The
/// notAfter line is cut at every bound and at the expiring threshold, so inside one segment the bucket is fixed and the
/// state is expired, expiring, or valid unless the renewal is due. PostgreSQL puts each certificate in its segment
/// with <c>width_bucket</c> and counts per (profile, segment) over ix_certificates_current_profile: one pass, one
/// round trip, where SQLite runs a range count per pair in process.
/// </summary>
internal static class PostgresExpiryCounts
{
    private const string CountBySegment = """
        SELECT profile, width_bucket(not_after, @Thresholds) AS segment,
               count(*) AS in_segment, count(*) FILTER (WHERE renewal_due_at <= @Now) AS due
        FROM certificates
        WHERE revoked_at IS NULL AND superseded_by IS NULL
        GROUP BY profile, segment
        """;

    public static async Task<List<ExpiryCount>> ReadAsync(
        NpgsqlConnection connection, DateTimeOffset now, TimeSpan expiringWithin, IReadOnlyList<int> bounds, CancellationToken cancellationToken)
    {
        for (int i = 0; i < bounds.Count; i++)
        {
            if (bounds[i] < 0 || (i > 0 && bounds[i] <= bounds[i - 1]))
            {
                throw new ArgumentException($"Days-left bounds must be ascending, distinct and not negative: [{string.Join(", ", bounds)}].", nameof(bounds));
            }
        }

        List<Segment> segments = Segments(now, expiringWithin, bounds);

        // width_bucket gives 0 below the first threshold (the expired segment) and k from the k-th threshold on: the
        // thresholds are the segments' starts after the first.
        long[] thresholds = [.. segments.Skip(1).Select(s => s.From)];
        var counted = new Dictionary<string, Dictionary<int, (long InSegment, long Due)>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(CountBySegment, connection))
        {
            command.Parameters.AddWithValue("Thresholds", thresholds);
            command.Parameters.AddWithValue("Now", UnixMicroseconds.From(now));
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            int profile = reader.GetOrdinal("profile"), segment = reader.GetOrdinal("segment");
            int inSegment = reader.GetOrdinal("in_segment"), due = reader.GetOrdinal("due");
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string name = reader.GetString(profile);
                if (!counted.TryGetValue(name, out var bySegment))
                {
                    counted[name] = bySegment = [];
                }

                bySegment[reader.GetInt32(segment)] = (reader.GetInt64(inSegment), reader.GetInt64(due));
            }
        }

        // Every state a bucket can hold appears, zero or not, for each profile with a certificate in use.
        var counts = new List<ExpiryCount>();
        foreach ((string profile, var bySegment) in counted.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var byKey = new Dictionary<(ExpiryState, int), long>();
            for (int index = 0; index < segments.Count; index++)
            {
                Segment segment = segments[index];
                (long count, long due) = bySegment.GetValueOrDefault(index);
                if (segment.Bucket < 0)
                {
                    Add(byKey, ExpiryState.Expired, segment.Bucket, count);
                }
                else if (segment.Expiring)
                {
                    Add(byKey, ExpiryState.Expiring, segment.Bucket, count);
                }
                else
                {
                    Add(byKey, ExpiryState.Valid, segment.Bucket, count - due);
                    Add(byKey, ExpiryState.RenewalDue, segment.Bucket, due);
                }
            }

            counts.AddRange(byKey.OrderBy(p => p.Key.Item2).ThenBy(p => p.Key.Item1).Select(p => new ExpiryCount(profile, p.Key.Item1, p.Key.Item2, p.Value)));
        }

        return counts;
    }

    private static void Add(Dictionary<(ExpiryState, int), long> byKey, ExpiryState state, int bucket, long count) =>
        byKey[(state, bucket)] = byKey.GetValueOrDefault((state, bucket)) + count;

    /// <summary>
    /// Half-open notAfter ranges in microseconds: the expired one, then one per gap between the bounds and the expiring
    /// threshold (each an inclusive end, so a range ends one microsecond after it), then the rest.
    /// </summary>
    private static List<Segment> Segments(DateTimeOffset now, TimeSpan expiringWithin, IReadOnlyList<int> bounds)
    {
        long start = UnixMicroseconds.From(now);
        long expiringEnd = UnixMicroseconds.From(now + expiringWithin) + 1;
        long[] boundEnds = [.. bounds.Select(days => UnixMicroseconds.From(now.AddDays(days)) + 1)];
        var cuts = new SortedSet<long>(boundEnds) { expiringEnd, long.MaxValue };
        var segments = new List<Segment> { new(long.MinValue, -1, Expiring: false) };
        long from = start;
        foreach (long until in cuts)
        {
            if (until <= from)
            {
                continue;
            }

            int bucket = Array.FindIndex(boundEnds, end => until <= end);
            segments.Add(new Segment(from, bucket < 0 ? bounds.Count : bucket, Expiring: until <= expiringEnd));
            from = until;
        }

        return segments;
    }

    private readonly record struct Segment(long From, int Bucket, bool Expiring);
}

using CertBroker.Core.Reports;
using CertBroker.Storage.Rows;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Counts certificates in use by profile, state and days-left bucket without loading rows or sorting them. The
/// notAfter line is cut at every bound and at the expiring threshold, so inside one segment the bucket is fixed and
/// the state is expired, expiring, or valid unless the renewal is due; each (profile, segment) pair is one range of
/// ix_certificates_current_profile, counted with its due certificates beside. Each index entry is read once.
/// </summary>
internal static class SqliteExpiryCounts
{
    private const string InUse = "revoked_at IS NULL AND superseded_by IS NULL";

    private const string CurrentByProfile = "certificates INDEXED BY ix_certificates_current_profile";

    public static List<ExpiryCount> Read(SqliteConnection connection, DateTimeOffset now, TimeSpan expiringWithin, IReadOnlyList<int> bounds)
    {
        for (int i = 0; i < bounds.Count; i++)
        {
            if (bounds[i] < 0 || (i > 0 && bounds[i] <= bounds[i - 1]))
            {
                throw new ArgumentException($"Days-left bounds must be ascending, distinct and not negative: [{string.Join(", ", bounds)}].", nameof(bounds));
            }
        }

        List<Segment> segments = Segments(now, expiringWithin, bounds);
        var counts = new List<ExpiryCount>();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT count(*) AS in_segment, coalesce(sum(renewal_due_at <= @Now), 0) AS due
            FROM {CurrentByProfile}
            WHERE {InUse} AND profile = @Profile AND not_after >= @From AND not_after < @Until
            """;
        command.Parameters.AddWithValue("@Now", UnixMicroseconds.From(now));
        SqliteParameter profileParameter = command.Parameters.Add("@Profile", SqliteType.Text);
        SqliteParameter from = command.Parameters.Add("@From", SqliteType.Integer);
        SqliteParameter until = command.Parameters.Add("@Until", SqliteType.Integer);
        (int InSegment, int Due)? ordinals = null;
        foreach (string profile in Profiles(connection))
        {
            profileParameter.Value = profile;
            var byKey = new Dictionary<(ExpiryState, int), long>();
            foreach (Segment segment in segments)
            {
                from.Value = segment.From;
                until.Value = segment.Until;
                using SqliteDataReader reader = command.ExecuteReader();
                reader.Read();
                ordinals ??= (reader.GetOrdinal("in_segment"), reader.GetOrdinal("due"));
                long count = reader.GetInt64(ordinals.Value.InSegment);
                long due = reader.GetInt64(ordinals.Value.Due);
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
        var segments = new List<Segment> { new(long.MinValue, start, -1, Expiring: false) };
        long from = start;
        foreach (long until in cuts)
        {
            if (until <= from)
            {
                continue;
            }

            int bucket = Array.FindIndex(boundEnds, end => until <= end);
            segments.Add(new Segment(from, until, bucket < 0 ? bounds.Count : bucket, Expiring: until <= expiringEnd));
            from = until;
        }

        return segments;
    }

    /// <summary>The profiles with certificates in use, one index seek each (a skip scan), never a pass over the index.</summary>
    private static List<string> Profiles(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT profile FROM {CurrentByProfile} WHERE {InUse} AND profile > @After ORDER BY profile LIMIT 1";
        SqliteParameter after = command.Parameters.AddWithValue("@After", "");
        var profiles = new List<string>();
        while (command.ExecuteScalar() is string profile)
        {
            profiles.Add(profile);
            after.Value = profile;
        }

        return profiles;
    }

    private readonly record struct Segment(long From, long Until, int Bucket, bool Expiring);
}

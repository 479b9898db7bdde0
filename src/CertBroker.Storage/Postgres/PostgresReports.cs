using System.Data;
using System.Globalization;
using System.Text.Json;
using CertBroker.Core.Reports;
using CertBroker.Storage.Rows;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>The SQL of the expiry report and the monitoring figures. States are computed here, see <see cref="ExpiryState"/>.</summary>
internal static class PostgresReports
{
    /// <summary>The <see cref="ExpiryState"/> value of certificate <c>c</c> at <c>@Now</c>; <c>@ExpiringBy</c> ends the expiring threshold.</summary>
    private const string StateCase = """
        CASE
            WHEN c.revoked_at IS NOT NULL THEN 4
            WHEN c.superseded_by IS NOT NULL THEN 5
            WHEN c.not_after < @Now THEN 3
            WHEN c.not_after <= @ExpiringBy THEN 2
            WHEN c.renewal_due_at IS NOT NULL AND c.renewal_due_at <= @Now THEN 1
            ELSE 0
        END
        """;

    private const string RowColumns = $"""
        c.device_id, coalesce(d.name, d.identity_key::text) AS device_name, c.profile, c.subject, c.subject_alt_names, c.serial,
        c.issuer, c.thumbprint_sha256, c.not_before, c.not_after, c.renewal_due_at, c.last_renewal_attempt_at,
        c.last_renewal_result, c.key_algorithm, c.key_size, c.signature_algorithm,
        (SELECT string_agg(f.rule_id, ',' ORDER BY f.rule_id) FROM findings f WHERE f.certificate_id = c.id) AS finding_rules,
        {StateCase} AS state
        """;

    private static readonly string[] SeverityNames = ["info", "warn", "fail"];

    public static NpgsqlCommand ExpiryReport(NpgsqlConnection connection, ExpiryReportQuery query)
    {
        var command = new NpgsqlCommand { Connection = connection };
        var where = new List<string>();
        AddClock(command, query.Now, query.ExpiringWithin);
        if (query.Within is { } within)
        {
            where.Add("c.not_after >= @Now AND c.not_after <= @WithinBy");
            command.Parameters.AddWithValue("WithinBy", UnixMicroseconds.From(query.Now + within));
        }

        if (query.State is { } state)
        {
            where.Add($"({StateCase}) = @State");
            command.Parameters.AddWithValue("State", (long)state);
        }

        // Profile, location and owner are TEXT: compared as SQLite's NOCASE compares them.
        if (!string.IsNullOrWhiteSpace(query.Profile))
        {
            where.Add("lower(c.profile) = lower(@Profile)");
            command.Parameters.AddWithValue("Profile", query.Profile);
        }

        if (!string.IsNullOrWhiteSpace(query.Location))
        {
            where.Add("lower(d.location) = lower(@Location)");
            command.Parameters.AddWithValue("Location", query.Location);
        }

        if (!string.IsNullOrWhiteSpace(query.Owner))
        {
            where.Add("lower(d.owner) = lower(@Owner)");
            command.Parameters.AddWithValue("Owner", query.Owner);
        }

        // A window is a range of the notAfter index, read in its order; without one the table is read in id order.
        command.CommandText = $"""
            SELECT {RowColumns}
            FROM certificates c LEFT JOIN devices d ON d.id = c.device_id
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY {(query.Within is null ? "c.id" : "c.not_after, c.id")}
            """;
        return command;
    }

    /// <summary>The certificates in use ending within the window: a range of the partial index ix_certificates_current.</summary>
    public static NpgsqlCommand Window(NpgsqlConnection connection, DateTimeOffset now, TimeSpan window, TimeSpan expiringWithin, int limit)
    {
        var command = new NpgsqlCommand { Connection = connection };
        AddClock(command, now, expiringWithin);
        command.Parameters.AddWithValue("WindowEnd", UnixMicroseconds.From(now + window));
        command.Parameters.AddWithValue("Limit", (long)limit);
        command.CommandText = $"""
            SELECT {RowColumns}
            FROM certificates c LEFT JOIN devices d ON d.id = c.device_id
            WHERE c.not_after >= @Now AND c.not_after <= @WindowEnd AND c.revoked_at IS NULL AND c.superseded_by IS NULL
            ORDER BY c.not_after, c.id
            LIMIT @Limit
            """;
        return command;
    }

    /// <summary>One report row, read by the column names of <see cref="RowColumns"/>.</summary>
    public static ExpiryReportRow Row(NpgsqlDataReader reader, ExpiryReportOrdinals o, DateTimeOffset now)
    {
        DateTimeOffset notAfter = UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(o.NotAfter));
        return new ExpiryReportRow
        {
            DeviceId = reader.IsDBNull(o.DeviceId) ? null : reader.GetInt64(o.DeviceId),
            Device = reader.IsDBNull(o.DeviceName) ? null : reader.GetString(o.DeviceName),
            Profile = reader.GetString(o.Profile),
            Subject = reader.GetString(o.Subject),
            SubjectAlternativeNames = JsonSerializer.Deserialize(reader.GetString(o.SubjectAltNames), NamesJson.Default.StringArray) ?? [],
            Serial = reader.GetString(o.Serial),
            Issuer = reader.GetString(o.Issuer),
            ThumbprintSha256 = reader.GetString(o.ThumbprintSha256),
            NotBefore = UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(o.NotBefore)),
            NotAfter = notAfter,
            DaysRemaining = (long)Math.Floor((notAfter - now).TotalDays),
            RenewalDueAt = reader.IsDBNull(o.RenewalDueAt) ? null : UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(o.RenewalDueAt)),
            LastRenewalAttemptAt = reader.IsDBNull(o.LastRenewalAttemptAt) ? null : UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(o.LastRenewalAttemptAt)),
            LastRenewalResult = reader.IsDBNull(o.LastRenewalResult) ? null : reader.GetString(o.LastRenewalResult),
            KeyAlgorithm = reader.GetString(o.KeyAlgorithm),
            KeySize = checked((int)reader.GetInt64(o.KeySize)),
            SignatureAlgorithm = reader.GetString(o.SignatureAlgorithm),
            Findings = reader.IsDBNull(o.FindingRules) ? [] : reader.GetString(o.FindingRules).Split(','),
            State = (ExpiryState)reader.GetInt64(o.State),
        };
    }

    /// <summary>
    /// Counts without reading rows into the process, in one REPEATABLE READ snapshot so the figures add up while other
    /// nodes write: the total, revoked certificates (partial index), and the certificates in use by profile, state and
    /// days-left bucket (<see cref="PostgresExpiryCounts"/>). Superseded certificates are what remains.
    /// </summary>
    public static async Task<InventoryStatistics> StatisticsAsync(
        NpgsqlConnection connection, DateTimeOffset now, TimeSpan expiringWithin, IReadOnlyList<int> bounds, CancellationToken cancellationToken)
    {
        await using NpgsqlTransaction snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var byState = ExpiryStates.All.ToDictionary(state => state, _ => 0L);
        long total = await CountAsync(connection, "SELECT count(*) FROM certificates", cancellationToken).ConfigureAwait(false);
        byState[ExpiryState.Revoked] = await CountAsync(connection, "SELECT count(*) FROM certificates WHERE revoked_at IS NOT NULL", cancellationToken)
            .ConfigureAwait(false);
        List<ExpiryCount> byExpiry = await PostgresExpiryCounts.ReadAsync(connection, now, expiringWithin, bounds, cancellationToken).ConfigureAwait(false);
        long[] perBucket = new long[bounds.Count + 1];
        long inUse = 0;
        foreach (ExpiryCount count in byExpiry)
        {
            byState[count.State] += count.Count;
            inUse += count.Count;
            if (count.Bucket >= 0)
            {
                perBucket[count.Bucket] += count.Count;
            }
        }

        byState[ExpiryState.Superseded] = total - byState[ExpiryState.Revoked] - inUse;
        var cumulative = new List<(int, long)>(bounds.Count);
        long running = 0;
        for (int i = 0; i < bounds.Count; i++)
        {
            running += perBucket[i];
            cumulative.Add((bounds[i], running));
        }

        var findings = await FindingsAsync(connection, cancellationToken).ConfigureAwait(false);
        var results = await RenewalResultsAsync(connection, cancellationToken).ConfigureAwait(false);
        await snapshot.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new InventoryStatistics(byState, cumulative, findings, results, byExpiry);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<List<(string, string, long)>> FindingsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT rule_id, severity, count(*) AS findings FROM findings GROUP BY rule_id, severity ORDER BY rule_id COLLATE \"C\", severity",
            connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        int rule = reader.GetOrdinal("rule_id"), severityColumn = reader.GetOrdinal("severity"), findings = reader.GetOrdinal("findings");
        var rows = new List<(string, string, long)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            long severity = reader.GetInt64(severityColumn);
            string name = severity is >= 0 and < 3 ? SeverityNames[severity] : severity.ToString(CultureInfo.InvariantCulture);
            rows.Add((reader.GetString(rule), name, reader.GetInt64(findings)));
        }

        return rows;
    }

    /// <summary>
    /// Certificates in use with an attempt (ix_certificates_last_renewal_result keeps this away from the whole table),
    /// by the first word of their result, lower case and without trailing punctuation: results carry details
    /// ("refused: REASON"), the word is the outcome. Superseded certificates are left out: their last attempt is the
    /// renewal that replaced them.
    /// </summary>
    private static async Task<List<(string, long)>> RenewalResultsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT rtrim(lower(split_part(last_renewal_result, ' ', 1)), ':,.;') AS outcome, count(*) AS certificates
            FROM certificates
            WHERE last_renewal_attempt_at IS NOT NULL AND last_renewal_result IS NOT NULL AND revoked_at IS NULL AND superseded_by IS NULL
            GROUP BY outcome
            """,
            connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        int outcome = reader.GetOrdinal("outcome"), certificates = reader.GetOrdinal("certificates");
        var rows = new List<(string, long)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((reader.GetString(outcome), reader.GetInt64(certificates)));
        }

        // In code point order, as SQLite's binary collation sorts them, whatever the database's collation.
        rows.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return rows;
    }

    private static void AddClock(NpgsqlCommand command, DateTimeOffset now, TimeSpan expiringWithin)
    {
        command.Parameters.AddWithValue("Now", UnixMicroseconds.From(now));
        command.Parameters.AddWithValue("ExpiringBy", UnixMicroseconds.From(now + expiringWithin));
    }
}

using System.Globalization;
using System.Text.Json;
using CertBroker.Core.Reports;
using CertBroker.Storage.Rows;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>The SQL of the expiry report and the monitoring figures. States are computed here, see <see cref="ExpiryState"/>.</summary>
internal static class SqliteReports
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
        c.device_id, coalesce(d.name, d.identity_key) AS device_name, c.profile, c.subject, c.subject_alt_names, c.serial,
        c.issuer, c.thumbprint_sha256, c.not_before, c.not_after, c.renewal_due_at, c.last_renewal_attempt_at,
        c.last_renewal_result, c.key_algorithm, c.key_size, c.signature_algorithm,
        (SELECT group_concat(rule_id, ',') FROM (SELECT rule_id FROM findings WHERE certificate_id = c.id ORDER BY rule_id)) AS finding_rules,
        {StateCase} AS state
        """;

    private static readonly string[] SeverityNames = ["info", "warn", "fail"];

    public static SqliteCommand ExpiryReport(SqliteConnection connection, ExpiryReportQuery query)
    {
        SqliteCommand command = connection.CreateCommand();
        var where = new List<string>();
        AddClock(command, query.Now, query.ExpiringWithin);
        if (query.Within is { } within)
        {
            where.Add("c.not_after >= @Now AND c.not_after <= @WithinBy");
            command.Parameters.AddWithValue("@WithinBy", UnixMicroseconds.From(query.Now + within));
        }

        if (query.State is { } state)
        {
            where.Add($"({StateCase}) = @State");
            command.Parameters.AddWithValue("@State", (long)state);
        }

        if (!string.IsNullOrWhiteSpace(query.Profile))
        {
            where.Add("c.profile = @Profile COLLATE NOCASE");
            command.Parameters.AddWithValue("@Profile", query.Profile);
        }

        if (!string.IsNullOrWhiteSpace(query.Location))
        {
            where.Add("d.location = @Location COLLATE NOCASE");
            command.Parameters.AddWithValue("@Location", query.Location);
        }

        if (!string.IsNullOrWhiteSpace(query.Owner))
        {
            where.Add("d.owner = @Owner COLLATE NOCASE");
            command.Parameters.AddWithValue("@Owner", query.Owner);
        }

        // A window is a range of the notAfter index, read in its order. Without one the whole table is read: in row
        // order that is a sequential scan, while notAfter order would fetch every row's page at random (three times
        // the CPU for a million certificates, most of it in system calls).
        command.CommandText = $"""
            SELECT {RowColumns}
            FROM certificates c LEFT JOIN devices d ON d.id = c.device_id
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY {(query.Within is null ? "c.id" : "c.not_after, c.id")}
            """;
        return command;
    }

    public static SqliteCommand Window(SqliteConnection connection, DateTimeOffset now, TimeSpan window, TimeSpan expiringWithin, int limit)
    {
        SqliteCommand command = connection.CreateCommand();
        AddClock(command, now, expiringWithin);
        command.Parameters.AddWithValue("@WindowEnd", UnixMicroseconds.From(now + window));
        command.Parameters.AddWithValue("@Limit", limit);
        command.CommandText = $"""
            SELECT {RowColumns}
            FROM certificates c INDEXED BY ix_certificates_current LEFT JOIN devices d ON d.id = c.device_id
            WHERE c.not_after >= @Now AND c.not_after <= @WindowEnd AND c.revoked_at IS NULL AND c.superseded_by IS NULL
            ORDER BY c.not_after, c.id
            LIMIT @Limit
            """;
        return command;
    }

    /// <summary>One report row, read by the column names of <see cref="RowColumns"/>.</summary>
    public static ExpiryReportRow Row(SqliteDataReader reader, ExpiryReportOrdinals o, DateTimeOffset now)
    {
        DateTimeOffset notAfter = UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(o.NotAfter));
        return new ExpiryReportRow
        {
            DeviceId = reader.IsDBNull(o.DeviceId) ? null : reader.GetInt64(o.DeviceId),
            Device = reader.IsDBNull(o.DeviceName) ? null : reader.GetString(o.DeviceName),
            Profile = reader.GetString(o.Profile),
            Subject = reader.GetString(o.Subject),
            SubjectAlternativeNames = JsonSerializer.Deserialize<string[]>(reader.GetString(o.SubjectAltNames)) ?? [],
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
            KeySize = reader.GetInt32(o.KeySize),
            SignatureAlgorithm = reader.GetString(o.SignatureAlgorithm),
            Findings = reader.IsDBNull(o.FindingRules) ? [] : reader.GetString(o.FindingRules).Split(','),
            State = (ExpiryState)reader.GetInt64(o.State),
        };
    }

    /// <summary>
    /// Counts without reading rows: the total (b-tree count), revoked certificates (partial index), and the
    /// certificates in use by profile, state and days-left bucket (<see cref="SqliteExpiryCounts"/>), which give the
    /// states in use and the cumulative days-left counts. Superseded certificates are what remains.
    /// </summary>
    public static InventoryStatistics Statistics(SqliteConnection connection, DateTimeOffset now, TimeSpan expiringWithin, IReadOnlyList<int> bounds)
    {
        var byState = ExpiryStates.All.ToDictionary(state => state, _ => 0L);
        long total = Count(connection, "SELECT count(*) FROM certificates");
        byState[ExpiryState.Revoked] = Count(connection, "SELECT count(*) FROM certificates WHERE revoked_at IS NOT NULL");
        List<ExpiryCount> byExpiry = SqliteExpiryCounts.Read(connection, now, expiringWithin, bounds);
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

        return new InventoryStatistics(byState, cumulative, Findings(connection), RenewalResults(connection), byExpiry);
    }

    private static long Count(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static List<(string, string, long)> Findings(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = """
            SELECT rule_id, severity, count(*) AS findings FROM findings GROUP BY rule_id, severity ORDER BY rule_id, severity
            """;
        using SqliteDataReader reader = command.ExecuteReader();
        int rule = reader.GetOrdinal("rule_id"), severityColumn = reader.GetOrdinal("severity"), findings = reader.GetOrdinal("findings");
        var rows = new List<(string, string, long)>();
        while (reader.Read())
        {
            long severity = reader.GetInt64(severityColumn);
            string name = severity is >= 0 and < 3 ? SeverityNames[severity] : severity.ToString(CultureInfo.InvariantCulture);
            rows.Add((reader.GetString(rule), name, reader.GetInt64(findings)));
        }

        return rows;
    }

    /// <summary>
    /// Certificates in use with an attempt (the partial renewal index keeps this away from the whole table), by the
    /// first word of their result: results carry details ("refused: REASON"), the word is the outcome. Superseded
    /// certificates are left out: their last attempt is the renewal that replaced them.
    /// </summary>
    private static List<(string, long)> RenewalResults(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = """
            SELECT rtrim(lower(substr(last_renewal_result, 1, instr(last_renewal_result || ' ', ' ') - 1)), ':,.;') AS outcome, count(*) AS certificates
            FROM certificates
            WHERE last_renewal_attempt_at IS NOT NULL AND last_renewal_result IS NOT NULL AND revoked_at IS NULL AND superseded_by IS NULL
            GROUP BY outcome ORDER BY outcome
            """;
        using SqliteDataReader reader = command.ExecuteReader();
        int outcome = reader.GetOrdinal("outcome"), certificates = reader.GetOrdinal("certificates");
        var rows = new List<(string, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(outcome), reader.GetInt64(certificates)));
        }

        return rows;
    }

    private static void AddClock(SqliteCommand command, DateTimeOffset now, TimeSpan expiringWithin)
    {
        command.Parameters.AddWithValue("@Now", UnixMicroseconds.From(now));
        command.Parameters.AddWithValue("@ExpiringBy", UnixMicroseconds.From(now + expiringWithin));
    }
}

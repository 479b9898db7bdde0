using CertBroker.Core.Audit;
using CertBroker.Storage.Rows;
using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>Writing and reading the <c>audit_events</c> table, inside the caller's transaction.</summary>
public static class PostgresAudit
{
    private const string Insert = """
        INSERT INTO audit_events (time, action, outcome, actor, source_address, target, profile, details, class)
        VALUES (@Time, @Action, @Outcome, @Actor, @SourceAddress, @Target, @Profile, @Details, @Class)
        RETURNING id
        """;

    // The class's count goes up by what was added; the oldest rows beyond the cap go, and the count is set to the cap.
    private const string TrimClass = """
        WITH counted AS (
            UPDATE audit_class_counts SET kept = kept + @Added WHERE class = @Class RETURNING kept)
        DELETE FROM audit_events WHERE id IN (
            SELECT id FROM audit_events WHERE class = @Class ORDER BY id
            LIMIT GREATEST(0, (SELECT kept FROM counted) - @MaxRecords));
        UPDATE audit_class_counts SET kept = @MaxRecords WHERE class = @Class AND kept > @MaxRecords
        """;

    /// <summary>The most characters of an event's details the trail keeps, as on SQLite.</summary>
    public const int MaxDetailsLength = 2_000;

    /// <summary>
    /// Appends <paramref name="auditEvent"/> inside <paramref name="transaction"/> and drops the oldest events of its
    /// class beyond that class's cap. Takes the audit-order lock first (<see cref="PostgresDataSource.LockAuditOrder"/>),
    /// so call it as late in the transaction as the change allows.
    /// </summary>
    /// <returns>The new event's ID.</returns>
    public static async Task<long> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEvent auditEvent, AuditOptions limits)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);

        // One round trip: the audit-order lock is held from here to the commit, so the fewer trips while it is held, the
        // less every other audited write waits.
        await using var batch = new NpgsqlBatch(connection, transaction);
        AddAppend(batch, auditEvent, limits);
        await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
        await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        long id = reader.GetInt64(0);
        while (await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false))
        {
        }

        return id;
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> the statements that append <paramref name="auditEvent"/> and keep its class within
    /// its cap: the audit-order lock (<see cref="PostgresDataSource.LockAuditOrder"/>), the insert (returning the new
    /// id), the trim of the oldest events beyond the cap, and the count set to the cap. Put them last in the batch: the
    /// lock is held to the commit.
    /// </summary>
    public static void AddAppend(NpgsqlBatch batch, AuditEvent auditEvent, AuditOptions limits)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(auditEvent);
        var auditClass = AuditClasses.Of(auditEvent.Action);
        long maxRecords = auditClass == AuditClass.Noise ? limits.MaxNoiseRecords : limits.MaxRecords;
        var lockOrder = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(@Key)");
        lockOrder.Parameters.AddWithValue("Key", PostgresDataSource.AuditOrderLockKey);
        var insert = new NpgsqlBatchCommand(Insert);
        PostgresParameters.Add(insert.Parameters, Parameters(auditEvent, auditClass), "");
        var trim = new NpgsqlBatchCommand(
            """
            WITH counted AS (UPDATE audit_class_counts SET kept = kept + 1 WHERE class = @Class RETURNING kept)
            DELETE FROM audit_events WHERE id IN (
                SELECT id FROM audit_events WHERE class = @Class ORDER BY id
                LIMIT GREATEST(0, (SELECT kept FROM counted) - @MaxRecords))
            """);
        trim.Parameters.AddWithValue("Class", (long)auditClass);
        trim.Parameters.AddWithValue("MaxRecords", maxRecords);
        var cap = new NpgsqlBatchCommand("UPDATE audit_class_counts SET kept = @MaxRecords WHERE class = @Class AND kept > @MaxRecords");
        cap.Parameters.AddWithValue("Class", (long)auditClass);
        cap.Parameters.AddWithValue("MaxRecords", maxRecords);
        batch.BatchCommands.Add(lockOrder);
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(trim);
        batch.BatchCommands.Add(cap);
    }

    /// <summary>Appends many events and trims each class once.</summary>
    public static async Task AppendManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<AuditEvent> auditEvents, AuditOptions limits)
    {
        ArgumentNullException.ThrowIfNull(auditEvents);
        var added = new long[2];
        var locked = false;
        foreach (var auditEvent in auditEvents)
        {
            if (!locked)
            {
                await PostgresDataSource.LockAuditOrder(connection, transaction).ConfigureAwait(false);
                locked = true;
            }

            var auditClass = AuditClasses.Of(auditEvent.Action);
            await connection.ExecuteAsync(Insert, Parameters(auditEvent, auditClass), transaction).ConfigureAwait(false);
            added[(int)auditClass]++;
        }

        foreach (var each in new[] { AuditClass.Security, AuditClass.Noise })
        {
            if (added[(int)each] > 0)
            {
                await TrimAsync(connection, transaction, each, added[(int)each], limits).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Details cut to <see cref="MaxDetailsLength"/>, marked with an ellipsis.</summary>
    public static string? Bounded(string? details) =>
        details is { Length: > MaxDetailsLength } ? string.Concat(details.AsSpan(0, MaxDetailsLength - 1), "…") : details;

    public static async Task<List<StoredAuditEvent>> ListAsync(NpgsqlConnection connection, AuditQuery query)
    {
        var where = new List<string>();
        var args = new DynamicParameters();
        if (query.AfterId is { } afterId)
        {
            where.Add("id > @AfterId");
            args.Add("AfterId", afterId);
        }

        if (query.From is { } from)
        {
            where.Add("time >= @From");
            args.Add("From", UnixMicroseconds.From(from));
        }

        if (query.To is { } to)
        {
            where.Add("time < @To");
            args.Add("To", UnixMicroseconds.From(to));
        }

        if (!string.IsNullOrEmpty(query.Action))
        {
            where.Add(query.Action.EndsWith('.') ? "left(action, length(@Action)) = @Action" : "action = @Action");
            args.Add("Action", query.Action);
        }

        if (!string.IsNullOrEmpty(query.Actor))
        {
            where.Add("actor = @Actor");
            args.Add("Actor", query.Actor);
        }

        if (!string.IsNullOrEmpty(query.Target))
        {
            where.Add("target = @Target");
            args.Add("Target", query.Target);
        }

        args.Add("Limit", (long)Math.Clamp(query.Limit, 1, 100_000));
        var sql = "SELECT id, time, action, outcome, actor, source_address, target, profile, details FROM audit_events"
            + (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))
            + " ORDER BY id LIMIT @Limit";
        var rows = await connection.QueryAsync<AuditRow>(sql, args).ConfigureAwait(false);
        return rows.Select(r => new StoredAuditEvent(r.id, new AuditEvent
        {
            Time = UnixMicroseconds.ToDateTimeOffset(r.time),
            Action = r.action,
            Outcome = (AuditOutcome)r.outcome,
            Actor = r.actor,
            SourceAddress = r.source_address,
            Target = r.target,
            Profile = r.profile,
            Details = r.details,
        })).ToList();
    }

    private static object Parameters(AuditEvent auditEvent, AuditClass auditClass) => new
    {
        Time = UnixMicroseconds.From(auditEvent.Time),
        auditEvent.Action,
        Outcome = (long)auditEvent.Outcome,
        auditEvent.Actor,
        auditEvent.SourceAddress,
        auditEvent.Target,
        auditEvent.Profile,
        Details = Bounded(auditEvent.Details),
        Class = (long)auditClass,
    };

    private static Task TrimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditClass auditClass, long added, AuditOptions limits) =>
        connection.ExecuteAsync(TrimClass, new
        {
            Added = added,
            Class = (long)auditClass,
            MaxRecords = auditClass == AuditClass.Noise ? limits.MaxNoiseRecords : limits.MaxRecords,
        }, transaction);

#pragma warning disable IDE1006, SA1300 // Column names, as Dapper maps them.
    private sealed record AuditRow(
        long id, long time, string action, long outcome, string actor, string? source_address, string? target, string? profile, string? details);
#pragma warning restore IDE1006, SA1300
}

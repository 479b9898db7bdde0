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

    // The class's count goes up by what was added and the oldest rows beyond the cap go; then the count is set to the cap.
    private const string Trim = """
        WITH counted AS (UPDATE audit_class_counts SET kept = kept + @Added WHERE class = @Class RETURNING kept)
        DELETE FROM audit_events WHERE id IN (
            SELECT id FROM audit_events WHERE class = @Class ORDER BY id
            LIMIT GREATEST(0, (SELECT kept FROM counted) - @MaxRecords))
        """;

    private const string Cap = "UPDATE audit_class_counts SET kept = @MaxRecords WHERE class = @Class AND kept > @MaxRecords";

    /// <summary>
    /// Appends <paramref name="auditEvent"/> inside <paramref name="transaction"/> and drops the oldest events of its
    /// class beyond that class's cap, in one round trip (<see cref="AddAppend"/>).
    /// </summary>
    /// <returns>The new event's ID.</returns>
    public static async Task<long> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEvent auditEvent, AuditOptions limits)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
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
    /// its cap: the audit-order lock (<see cref="PostgresDataSource.AuditOrderLockKey"/>), the insert (returning the new
    /// id), the trim of the oldest events beyond the cap, and the count set to the cap. Put them last in the batch: the
    /// lock is held to the commit, so the fewer statements after it, the less every other audited write waits.
    /// </summary>
    public static void AddAppend(NpgsqlBatch batch, AuditEvent auditEvent, AuditOptions limits)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(auditEvent);
        var auditClass = AuditClasses.Of(auditEvent.Action);
        batch.BatchCommands.Add(LockOrder());
        batch.BatchCommands.Add(InsertCommand(auditEvent, auditClass));
        AddTrim(batch, auditClass, 1, limits);
    }

    /// <summary>Appends many events and trims each class once, in one round trip.</summary>
    public static async Task AppendManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<AuditEvent> auditEvents, AuditOptions limits)
    {
        ArgumentNullException.ThrowIfNull(auditEvents);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(LockOrder());
        var added = new long[2];
        foreach (var auditEvent in auditEvents)
        {
            var auditClass = AuditClasses.Of(auditEvent.Action);
            batch.BatchCommands.Add(InsertCommand(auditEvent, auditClass));
            added[(int)auditClass]++;
        }

        if (added[0] + added[1] == 0)
        {
            return;
        }

        foreach (var each in new[] { AuditClass.Security, AuditClass.Noise })
        {
            if (added[(int)each] > 0)
            {
                AddTrim(batch, each, added[(int)each], limits);
            }
        }

        await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public static async Task<List<StoredAuditEvent>> ListAsync(NpgsqlConnection connection, AuditQuery query)
    {
        (string sql, DynamicParameters args) = AuditRows.ListQuery(query);
        var rows = await connection.QueryAsync<AuditRows.AuditRow>(sql, args).ConfigureAwait(false);
        return rows.Select(AuditRows.ToStored).ToList();
    }

    /// <summary>
    /// Identity values are handed out at insert but become visible at commit: every transaction that appends audit events
    /// holds this lock from its first insert to its commit, so events become visible in the order of their ids and a
    /// reader of "events after id N" (the webhook) can never miss one that commits late.
    /// </summary>
    private static NpgsqlBatchCommand LockOrder()
    {
        var command = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(@Key)");
        command.Parameters.AddWithValue("Key", PostgresDataSource.AuditOrderLockKey);
        return command;
    }

    private static NpgsqlBatchCommand InsertCommand(AuditEvent auditEvent, AuditClass auditClass)
    {
        var command = new NpgsqlBatchCommand(Insert);
        PostgresParameters.Add(command.Parameters, new
        {
            Time = UnixMicroseconds.From(auditEvent.Time),
            auditEvent.Action,
            Outcome = (long)auditEvent.Outcome,
            auditEvent.Actor,
            auditEvent.SourceAddress,
            auditEvent.Target,
            auditEvent.Profile,
            Details = AuditRows.Bounded(auditEvent.Details),
            Class = (long)auditClass,
        }, "");
        return command;
    }

    private static void AddTrim(NpgsqlBatch batch, AuditClass auditClass, long added, AuditOptions limits)
    {
        long maxRecords = auditClass == AuditClass.Noise ? limits.MaxNoiseRecords : limits.MaxRecords;
        var trim = new NpgsqlBatchCommand(Trim);
        trim.Parameters.AddWithValue("Added", added);
        trim.Parameters.AddWithValue("Class", (long)auditClass);
        trim.Parameters.AddWithValue("MaxRecords", maxRecords);
        var cap = new NpgsqlBatchCommand(Cap);
        cap.Parameters.AddWithValue("Class", (long)auditClass);
        cap.Parameters.AddWithValue("MaxRecords", maxRecords);
        batch.BatchCommands.Add(trim);
        batch.BatchCommands.Add(cap);
    }
}

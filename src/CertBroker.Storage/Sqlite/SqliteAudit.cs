using CertBroker.Core.Audit;
using CertBroker.Storage.Rows;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>Writing and reading the <c>audit_events</c> table.</summary>
internal static class SqliteAudit
{
    private const string InsertOnly = """
        INSERT INTO audit_events (time, action, outcome, actor, source_address, target, profile, details, class)
        VALUES (@Time, @Action, @Outcome, @Actor, @SourceAddress, @Target, @Profile, @Details, @Class)
        """;

    // Counts each class's rows again after a bulk insert and deletes the oldest beyond its cap.
    private const string TrimClass = """
        UPDATE audit_class_counts SET kept = kept + @Added WHERE class = @Class;
        DELETE FROM audit_events WHERE id IN (
            SELECT id FROM audit_events WHERE class = @Class ORDER BY id
            LIMIT max(0, (SELECT kept FROM audit_class_counts WHERE class = @Class) - @MaxRecords));
        UPDATE audit_class_counts SET kept = @MaxRecords WHERE class = @Class AND kept > @MaxRecords
        """;

    /// <summary>
    /// Appends <paramref name="auditEvent"/> on <paramref name="connection"/>, inside whatever transaction the caller
    /// has open there, and drops the oldest events of its class beyond that class's cap in <paramref name="limits"/>.
    /// </summary>
    /// <returns>The new event's ID.</returns>
    public static long Append(SqliteConnection connection, AuditEvent auditEvent, AuditLimits limits)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(auditEvent);
        AuditClass auditClass = AuditClasses.Of(auditEvent.Action);
        connection.Execute(SqliteSql.AppendAuditEventSql, new
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
            MaxRecords = limits.For(auditClass),
        });
        // The trim may delete rows, which moves last_insert_rowid() on no connection: it is still the new event's.
        return connection.ExecuteScalar<long>("SELECT last_insert_rowid()");
    }

    /// <summary>
    /// Appends many events with one prepared insert and trims each class once: a sweep that marks thousands of
    /// certificates writes an event for each without paying a statement parse and a trim per event.
    /// </summary>
    public static void AppendMany(SqliteConnection connection, IEnumerable<AuditEvent> auditEvents, AuditLimits limits)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(auditEvents);
        using SqliteCommand insert = connection.CreateCommand();
        insert.CommandText = InsertOnly;
        SqliteParameter time = insert.Parameters.Add("@Time", SqliteType.Integer);
        SqliteParameter action = insert.Parameters.Add("@Action", SqliteType.Text);
        SqliteParameter outcome = insert.Parameters.Add("@Outcome", SqliteType.Integer);
        SqliteParameter actor = insert.Parameters.Add("@Actor", SqliteType.Text);
        SqliteParameter source = insert.Parameters.Add("@SourceAddress", SqliteType.Text);
        SqliteParameter target = insert.Parameters.Add("@Target", SqliteType.Text);
        SqliteParameter profile = insert.Parameters.Add("@Profile", SqliteType.Text);
        SqliteParameter details = insert.Parameters.Add("@Details", SqliteType.Text);
        SqliteParameter auditClass = insert.Parameters.Add("@Class", SqliteType.Integer);
        insert.Prepare();
        var added = new long[2];
        foreach (AuditEvent auditEvent in auditEvents)
        {
            AuditClass eventClass = AuditClasses.Of(auditEvent.Action);
            time.Value = UnixMicroseconds.From(auditEvent.Time);
            action.Value = auditEvent.Action;
            outcome.Value = (long)auditEvent.Outcome;
            actor.Value = auditEvent.Actor;
            source.Value = (object?)auditEvent.SourceAddress ?? DBNull.Value;
            target.Value = (object?)auditEvent.Target ?? DBNull.Value;
            profile.Value = (object?)auditEvent.Profile ?? DBNull.Value;
            details.Value = (object?)AuditRows.Bounded(auditEvent.Details) ?? DBNull.Value;
            auditClass.Value = (long)eventClass;
            insert.ExecuteNonQuery();
            added[(int)eventClass]++;
        }

        foreach (AuditClass each in new[] { AuditClass.Security, AuditClass.Noise })
        {
            if (added[(int)each] > 0)
            {
                connection.Execute(TrimClass, new { Added = added[(int)each], Class = (long)each, MaxRecords = limits.For(each) });
            }
        }
    }

    public static List<StoredAuditEvent> List(SqliteConnection connection, AuditQuery query)
    {
        (string sql, DynamicParameters args) = AuditRows.ListQuery(query);
        return connection.Query<AuditRows.AuditRow>(sql, args).Select(AuditRows.ToStored).ToList();
    }

    public static long Count(SqliteConnection connection) => connection.ExecuteScalar<long>("SELECT count(*) FROM audit_events");
}

using CertBroker.Core.Renewal;
using CertBroker.Storage.Rows;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Lifecycle events read back from the audit trail. The action index holds (action, id), so each of the four actions
/// is one range seek past the position, whatever number of enrolment events lie in between.
/// </summary>
public sealed class SqliteRenewalEventLog(SqliteDataSource source) : IRenewalEventLog
{
    private const string ReadLifecycleEvents =
        $"""
        SELECT a.id, a.action, a.time, c.renewal_state, a.details, {SqliteRenewalStore.TransitionColumns}
        FROM audit_events a
        JOIN certificates c ON c.serial = a.target
        WHERE a.action IN ('{RenewalEventTypes.RenewalDue}', '{RenewalEventTypes.RenewalOverdue}',
                           '{RenewalEventTypes.Expired}', '{RenewalEventTypes.ExpiryAlert}')
          AND a.id > @After
        ORDER BY a.id
        LIMIT @Max
        """;

    public Task<IReadOnlyList<LoggedRenewalEvent>> ReadAfterAsync(long position, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        return source.ReadAsync((position, max), static (connection, args) =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = ReadLifecycleEvents;
            command.Parameters.AddWithValue("@After", args.position);
            command.Parameters.AddWithValue("@Max", args.max);
            using SqliteDataReader reader = command.ExecuteReader();
            var events = new List<LoggedRenewalEvent>();
            while (reader.Read())
            {
                string type = reader.GetString(1);
                // Columns 5 on are TransitionColumns, read as the sweeps read them.
                // An alert's threshold is the one its own event names: the certificate's column holds the latest.
                RenewalTransition certificate = SqliteRenewalStore.ReadTransition(
                    reader, 5, (RenewalState)reader.GetInt64(3),
                    type == RenewalEventTypes.ExpiryAlert && !reader.IsDBNull(4) ? RenewalEventText.AlertThreshold(reader.GetString(4)) : null);
                events.Add(new LoggedRenewalEvent(
                    reader.GetInt64(0), new RenewalEvent(type, UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(2)), certificate)));
            }

            return (IReadOnlyList<LoggedRenewalEvent>)events;
        }, cancellationToken);
    }

    public Task<long> NewestPositionAsync(CancellationToken cancellationToken) =>
        source.ReadAsync(0, static (connection, _) => connection.ExecuteScalar<long?>("SELECT MAX(id) FROM audit_events") ?? 0, cancellationToken);

    public Task<long> OldestPositionAsync(CancellationToken cancellationToken) =>
        source.ReadAsync(0, static (connection, _) => connection.ExecuteScalar<long?>("SELECT MIN(id) FROM audit_events") ?? 0, cancellationToken);

    public Task<long?> GetPositionAsync(string consumer, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        return source.ReadAsync(consumer, static (connection, name) =>
            connection.ExecuteScalar<long?>("SELECT position FROM event_consumers WHERE name = @Name", new { Name = name }), cancellationToken);
    }

    public Task SetPositionAsync(string consumer, long position, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        return source.WriteAsync((consumer, position, At: UnixMicroseconds.From(at)), static (connection, args) =>
            connection.Execute(
                """
                INSERT INTO event_consumers (name, position, updated_at) VALUES (@Name, @Position, @At)
                ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                """,
                new { Name = args.consumer, Position = args.position, args.At }), cancellationToken);
    }
}

using CertBroker.Core.Model;
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
        SELECT a.id AS position, a.action, a.time, c.renewal_state, a.details, {SqliteRenewalStore.TransitionColumns}
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
            if (!reader.Read())
            {
                return events;
            }

            int position = reader.GetOrdinal("position"), action = reader.GetOrdinal("action"), time = reader.GetOrdinal("time");
            int renewalState = reader.GetOrdinal("renewal_state"), details = reader.GetOrdinal("details");
            var certificateColumns = new TransitionOrdinals(reader);
            do
            {
                string type = reader.GetString(action);
                // An alert's threshold is the one its own event names: the certificate's column holds the latest.
                RenewalTransition certificate = SqliteRenewalStore.ReadTransition(
                    reader, certificateColumns, (RenewalState)reader.GetInt64(renewalState),
                    type == RenewalEventTypes.ExpiryAlert && !reader.IsDBNull(details) ? RenewalEventText.AlertThreshold(reader.GetString(details)) : null);
                events.Add(new LoggedRenewalEvent(
                    reader.GetInt64(position), new RenewalEvent(type, UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(time)), certificate)));
            }
            while (reader.Read());

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

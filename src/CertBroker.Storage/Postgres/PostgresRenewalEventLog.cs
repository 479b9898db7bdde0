using CertBroker.Core.Model;
using CertBroker.Core.Renewal;
using CertBroker.Storage.Rows;
using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// Lifecycle events read back from the audit trail, and each consumer's position in it. Events commit in the order
/// of their ids (<see cref="PostgresDataSource.AuditOrderLockKey"/>), so reading "after position N" misses none that
/// another node commits later.
/// </summary>
public sealed class PostgresRenewalEventLog(PostgresDataSource source) : IRenewalEventLog
{
    // The target is TEXT and the serial CITEXT: the cast keeps the join on the serial's unique index.
    private const string ReadLifecycleEvents =
        $"""
        SELECT a.id AS position, a.action, a.time, c.renewal_state, a.details,
               c.id AS certificate_id, c.serial, c.profile, c.subject, c.device_id, c.not_after, c.renewal_due_at
        FROM audit_events a
        JOIN certificates c ON c.serial = CAST(a.target AS citext)
        WHERE a.action IN ('{RenewalEventTypes.RenewalDue}', '{RenewalEventTypes.RenewalOverdue}',
                           '{RenewalEventTypes.Expired}', '{RenewalEventTypes.ExpiryAlert}')
          AND a.id > @After
        ORDER BY a.id
        LIMIT @Max
        """;

    // A node that passed events on more slowly than another never moves the consumer back: positions only grow.
    private const string SetPosition = """
        INSERT INTO event_consumers (name, position, updated_at) VALUES (@Name, @Position, @At)
        ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
        WHERE event_consumers.position <= excluded.position
        """;

    public Task<IReadOnlyList<LoggedRenewalEvent>> ReadAfterAsync(long position, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        return source.ReadAsync<IReadOnlyList<LoggedRenewalEvent>>(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(ReadLifecycleEvents, connection);
            command.Parameters.AddWithValue("After", position);
            command.Parameters.AddWithValue("Max", (long)max);
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            var events = new List<LoggedRenewalEvent>();
            if (!await reader.ReadAsync(token).ConfigureAwait(false))
            {
                return events;
            }

            int at = reader.GetOrdinal("position"), action = reader.GetOrdinal("action"), time = reader.GetOrdinal("time");
            int renewalState = reader.GetOrdinal("renewal_state"), details = reader.GetOrdinal("details");
            int id = reader.GetOrdinal("certificate_id"), serial = reader.GetOrdinal("serial"), profile = reader.GetOrdinal("profile");
            int subject = reader.GetOrdinal("subject"), deviceId = reader.GetOrdinal("device_id");
            int notAfter = reader.GetOrdinal("not_after"), dueAt = reader.GetOrdinal("renewal_due_at");
            do
            {
                string type = reader.GetString(action);

                // An alert's threshold is the one its own event names: the certificate's column holds the latest.
                int? threshold = type == RenewalEventTypes.ExpiryAlert && !reader.IsDBNull(details)
                    ? RenewalEventText.AlertThreshold(reader.GetString(details))
                    : null;
                var certificate = new RenewalTransition(
                    reader.GetInt64(id), reader.GetString(serial), reader.GetString(profile), reader.GetString(subject),
                    reader.IsDBNull(deviceId) ? null : reader.GetInt64(deviceId),
                    UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(notAfter)),
                    UnixMicroseconds.ToDateTimeOffset(reader.IsDBNull(dueAt) ? null : reader.GetInt64(dueAt)),
                    (RenewalState)reader.GetInt64(renewalState), threshold);
                events.Add(new LoggedRenewalEvent(
                    reader.GetInt64(at), new RenewalEvent(type, UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(time)), certificate)));
            }
            while (await reader.ReadAsync(token).ConfigureAwait(false));

            return events;
        }, cancellationToken);
    }

    public Task<long> NewestPositionAsync(CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, token) =>
            await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT max(id) FROM audit_events", cancellationToken: token))
                .ConfigureAwait(false) ?? 0, cancellationToken);

    public Task<long> OldestPositionAsync(CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, token) =>
            await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT min(id) FROM audit_events", cancellationToken: token))
                .ConfigureAwait(false) ?? 0, cancellationToken);

    public Task<long?> GetPositionAsync(string consumer, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        return source.ReadAsync((connection, token) =>
            connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT position FROM event_consumers WHERE name = @Name", new { Name = consumer }, cancellationToken: token)), cancellationToken);
    }

    public Task SetPositionAsync(string consumer, long position, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        var args = new { Name = consumer, Position = position, At = UnixMicroseconds.From(at) };
        return source.WriteAsync((connection, transaction) => connection.ExecuteAsync(SetPosition, args, transaction), cancellationToken);
    }
}

using CertBroker.Core.Cluster;
using CertBroker.Storage.Rows;
using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// The lockouts' failure counts. A failure locks its row (<c>SELECT … FOR UPDATE</c>, after an insert that does
/// nothing when the row exists), so failures from several nodes at once are counted one after the other.
/// </summary>
public sealed class PostgresFailureStore(PostgresDataSource source) : IFailureStore
{
    private const string Insert = """
        INSERT INTO failure_counts (kind, subject, source, count, window_start, last_failure, locked_until, expires_at)
        VALUES (@Kind, @Subject, @Source, 0, 0, 0, 0, @ExpiresAt)
        ON CONFLICT (kind, subject, source) DO NOTHING
        """;

    public Task<FailureCount> FindAsync(FailureKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return source.ReadAsync(async (connection, _) =>
            (await connection.QuerySingleOrDefaultAsync<FailureCountRow>(ClusterSql.FindFailures, KeyParameters(key)).ConfigureAwait(false))?.ToRecord()
            ?? FailureCount.None, cancellationToken);
    }

    public Task<FailureRecorded> RecordAsync(FailureKey key, FailureRule rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(rule);
        return source.WriteAsync(async (connection, transaction) =>
        {
            FailureCountRow? row = await LockAsync(connection, transaction, key).ConfigureAwait(false);
            if (row is null)
            {
                await MakeRoomAsync(connection, transaction, now).ConfigureAwait(false);
                await connection.ExecuteAsync(
                    Insert, new { Kind = (long)key.Kind, key.Subject, key.Source, ExpiresAt = UnixMicroseconds.From(now) }, transaction).ConfigureAwait(false);
                row = await LockAsync(connection, transaction, key).ConfigureAwait(false);
            }

            FailureRecorded recorded = row!.ToRecord().Next(rule, now);
            await connection.ExecuteAsync(ClusterSql.UpsertFailures, FailureCountRow.Parameters(key, recorded.Count, rule.Window), transaction).ConfigureAwait(false);
            return recorded;
        }, cancellationToken);
    }

    public async Task ResetAsync(FailureKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);

        // Most successes follow no failure: a read spares a write transaction.
        if (await FindAsync(key, cancellationToken).ConfigureAwait(false) == FailureCount.None)
        {
            return;
        }

        await source.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            ClusterSql.ResetFailures, new { Kind = (long)key.Kind, key.Subject, key.Source, Now = UnixMicroseconds.From(now) }, transaction),
            cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<FailureCount>> ListAsync(FailureKind kind, string subject, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<FailureCount>>(async (connection, _) =>
            [.. (await connection.QueryAsync<FailureCountRow>(ClusterSql.ListFailures, new { Kind = (long)kind, Subject = subject }).ConfigureAwait(false))
                .Select(r => r.ToRecord())],
            cancellationToken);

    public Task ClearAsync(FailureKind kind, string subject, CancellationToken cancellationToken) =>
        source.WriteAsync((connection, transaction) =>
            connection.ExecuteAsync(ClusterSql.ClearFailures, new { Kind = (long)kind, Subject = subject }, transaction), cancellationToken);

    private static object KeyParameters(FailureKey key) => new { Kind = (long)key.Kind, key.Subject, key.Source };

    private static Task<FailureCountRow?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FailureKey key) =>
        connection.QuerySingleOrDefaultAsync<FailureCountRow?>(ClusterSql.FindFailures + " FOR UPDATE", KeyParameters(key), transaction);

    private static async Task MakeRoomAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now)
    {
        await connection.ExecuteAsync(ClusterSql.SweepFailures, new { Now = UnixMicroseconds.From(now) }, transaction).ConfigureAwait(false);
        if (await connection.ExecuteScalarAsync<long>(ClusterSql.CountFailureKeys, transaction: transaction).ConfigureAwait(false) >= IFailureStore.MaxKeys)
        {
            await connection.ExecuteAsync(ClusterSql.EvictFailures, new { Evict = (long)(IFailureStore.MaxKeys / 100) }, transaction).ConfigureAwait(false);
        }
    }
}

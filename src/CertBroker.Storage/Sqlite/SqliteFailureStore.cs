using CertBroker.Core.Cluster;
using CertBroker.Storage.Rows;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>The lockouts' failure counts; the single writer makes each read, count and write one atomic step.</summary>
public sealed class SqliteFailureStore(SqliteDataSource source) : IFailureStore
{
    public Task<FailureCount> FindAsync(FailureKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return source.ReadAsync(KeyParameters(key), static (connection, args) => Find(connection, args), cancellationToken);
    }

    public Task<FailureRecorded> RecordAsync(FailureKey key, FailureRule rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(rule);
        return source.WriteAsync((key, rule, now), static (connection, args) =>
        {
            FailureCount? current = connection.QuerySingleOrDefault<FailureCountRow>(ClusterSql.FindFailures, KeyParameters(args.key))?.ToRecord();
            if (current is null)
            {
                MakeRoom(connection, args.now);
            }

            FailureRecorded recorded = (current ?? FailureCount.None).Next(args.rule, args.now);
            connection.Execute(ClusterSql.UpsertFailures, FailureCountRow.Parameters(args.key, recorded.Count, args.rule.Window));
            return recorded;
        }, cancellationToken);
    }

    public async Task ResetAsync(FailureKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);

        // Most successes follow no failure: a read spares the writer.
        if (await FindAsync(key, cancellationToken).ConfigureAwait(false) == FailureCount.None)
        {
            return;
        }

        await source.WriteAsync(new { Kind = (long)key.Kind, key.Subject, key.Source, Now = UnixMicroseconds.From(now) }, static (connection, args) =>
            connection.Execute(ClusterSql.ResetFailures, args), cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<FailureCount>> ListAsync(FailureKind kind, string subject, CancellationToken cancellationToken) =>
        source.ReadAsync(new { Kind = (long)kind, Subject = subject }, static (connection, args) =>
            (IReadOnlyList<FailureCount>)[.. connection.Query<FailureCountRow>(ClusterSql.ListFailures, args).Select(r => r.ToRecord())],
            cancellationToken);

    public Task ClearAsync(FailureKind kind, string subject, CancellationToken cancellationToken) =>
        source.WriteAsync(new { Kind = (long)kind, Subject = subject }, static (connection, args) =>
            connection.Execute(ClusterSql.ClearFailures, args), cancellationToken);

    private static FailureCount Find(SqliteConnection connection, object key) =>
        connection.QuerySingleOrDefault<FailureCountRow>(ClusterSql.FindFailures, key)?.ToRecord() ?? FailureCount.None;

    private static object KeyParameters(FailureKey key) => new { Kind = (long)key.Kind, key.Subject, key.Source };

    private static void MakeRoom(SqliteConnection connection, DateTimeOffset now)
    {
        connection.Execute(ClusterSql.SweepFailures, new { Now = UnixMicroseconds.From(now) });
        if (connection.ExecuteScalar<long>(ClusterSql.CountFailureKeys) >= IFailureStore.MaxKeys)
        {
            connection.Execute(ClusterSql.EvictFailures, new { Evict = (long)(IFailureStore.MaxKeys / 100) });
        }
    }
}

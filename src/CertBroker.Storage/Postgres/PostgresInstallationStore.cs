using CertBroker.Core.Cluster;
using CertBroker.Storage.Rows;
using Dapper;

namespace CertBroker.Storage.Postgres;

/// <summary>Facts recorded once for the installation; of two nodes recording at once, the first to commit wins.</summary>
public sealed class PostgresInstallationStore(PostgresDataSource source) : IInstallationStore
{
    public Task<string> GetOrAddAsync(string key, string value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var args = new { Key = key, Value = value, RecordedAt = UnixMicroseconds.From(now) };
        return source.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(ClusterSql.AddInstallationFact, args, transaction).ConfigureAwait(false);
            return (await connection.ExecuteScalarAsync<string>(ClusterSql.FindInstallationFact, args, transaction).ConfigureAwait(false))!;
        }, cancellationToken);
    }
}

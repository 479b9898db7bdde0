using CertBroker.Core.Cluster;
using CertBroker.Storage.Rows;
using Dapper;

namespace CertBroker.Storage.Sqlite;

/// <summary>Facts recorded once for the installation.</summary>
public sealed class SqliteInstallationStore(SqliteDataSource source) : IInstallationStore
{
    public Task<string> GetOrAddAsync(string key, string value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        return source.WriteAsync(new { Key = key, Value = value, RecordedAt = UnixMicroseconds.From(now) }, static (connection, args) =>
        {
            connection.Execute(ClusterSql.AddInstallationFact, args);
            return connection.ExecuteScalar<string>(ClusterSql.FindInstallationFact, args)!;
        }, cancellationToken);
    }
}

using CertBroker.Core.Cluster;
using CertBroker.Storage.Rows;
using Dapper;

namespace CertBroker.Storage.Sqlite;

/// <summary>Named leases, for work only one node may do at a time.</summary>
public sealed class SqliteLeaseStore(SqliteDataSource source) : ILeaseStore
{
    public Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(holder);
        var args = new { Name = name, Holder = holder, ExpiresAt = UnixMicroseconds.From(now + duration), Now = UnixMicroseconds.From(now) };
        return source.WriteAsync(args, static (connection, args) =>
            connection.ExecuteScalar<string?>(ClusterSql.AcquireLease, args) is not null, cancellationToken);
    }

    public Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken) =>
        source.WriteAsync(new { Name = name, Holder = holder }, static (connection, args) =>
            connection.Execute(ClusterSql.ReleaseLease, args), cancellationToken);
}

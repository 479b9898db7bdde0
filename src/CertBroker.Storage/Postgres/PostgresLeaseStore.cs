using CertBroker.Core.Cluster;
using CertBroker.Storage.Rows;
using Dapper;

namespace CertBroker.Storage.Postgres;

/// <summary>Named leases: the conditional upsert lets exactly one node hold each.</summary>
public sealed class PostgresLeaseStore(PostgresDataSource source) : ILeaseStore
{
    public Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(holder);
        var args = new { Name = name, Holder = holder, ExpiresAt = UnixMicroseconds.From(now + duration), Now = UnixMicroseconds.From(now) };
        return source.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteScalarAsync<string?>(ClusterSql.AcquireLease, args, transaction).ConfigureAwait(false) is not null, cancellationToken);
    }

    public Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken) =>
        source.WriteAsync((connection, transaction) =>
            connection.ExecuteAsync(ClusterSql.ReleaseLease, new { Name = name, Holder = holder }, transaction), cancellationToken);
}

using CertBroker.Core.Cluster;
using CertBroker.Storage.Rows;
using Dapper;

namespace CertBroker.Storage.Postgres;

/// <summary>CRL numbers and the newest CRLs of each CA; the upsert hands every node its own number.</summary>
public sealed class PostgresCrlStore(PostgresDataSource source) : ICrlStore
{
    public Task<long> ReserveNumberAsync(string issuer, long floor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        return source.WriteAsync((connection, transaction) =>
            connection.ExecuteScalarAsync<long>(ClusterSql.ReserveCrlNumber, new { Issuer = issuer, Floor = floor }, transaction), cancellationToken);
    }

    public Task SaveAsync(PublishedCrl crl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(crl);
        return source.WriteAsync((connection, transaction) =>
            connection.ExecuteAsync(ClusterSql.SaveCrl, CrlRow.Parameters(crl), transaction), cancellationToken);
    }

    public Task<long?> NewestNumberAsync(string issuer, CancellationToken cancellationToken) =>
        source.ReadAsync((connection, _) => connection.ExecuteScalarAsync<long?>(ClusterSql.NewestCrlNumber, new { Issuer = issuer }), cancellationToken);

    public Task<PublishedCrl?> NewestAsync(string issuer, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, _) =>
            (await connection.QuerySingleOrDefaultAsync<CrlRow>(ClusterSql.NewestCrl, new { Issuer = issuer }).ConfigureAwait(false))?.ToRecord(),
            cancellationToken);
}

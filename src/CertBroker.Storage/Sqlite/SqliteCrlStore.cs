using CertBroker.Core.Cluster;
using CertBroker.Storage.Rows;
using Dapper;

namespace CertBroker.Storage.Sqlite;

/// <summary>CRL numbers and the newest CRLs of each CA.</summary>
public sealed class SqliteCrlStore(SqliteDataSource source) : ICrlStore
{
    public Task<long> ReserveNumberAsync(string issuer, long floor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        return source.WriteAsync(new { Issuer = issuer, Floor = floor }, static (connection, args) =>
            connection.ExecuteScalar<long>(ClusterSql.ReserveCrlNumber, args), cancellationToken);
    }

    public Task SaveAsync(PublishedCrl crl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(crl);
        return source.WriteAsync(CrlRow.Parameters(crl), static (connection, args) => connection.Execute(ClusterSql.SaveCrl, args), cancellationToken);
    }

    public Task<long?> NewestNumberAsync(string issuer, CancellationToken cancellationToken) =>
        source.ReadAsync(new { Issuer = issuer }, static (connection, args) =>
            connection.ExecuteScalar<long?>(ClusterSql.NewestCrlNumber, args), cancellationToken);

    public Task<PublishedCrl?> NewestAsync(string issuer, CancellationToken cancellationToken) =>
        source.ReadAsync(new { Issuer = issuer }, static (connection, args) =>
            connection.QuerySingleOrDefault<CrlRow>(ClusterSql.NewestCrl, args)?.ToRecord(), cancellationToken);
}

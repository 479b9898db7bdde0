using CertBroker.Core.Storage;
using Dapper;

namespace CertBroker.Storage.Sqlite;

/// <summary>A <c>SELECT 1</c> on a pooled read connection, after the data source's schema check.</summary>
public sealed class SqliteStoreProbe(SqliteDataSource source) : IStoreProbe
{
    public Task ProbeAsync(CancellationToken cancellationToken) =>
        source.ReadAsync(0, static (connection, _) => connection.ExecuteScalar<long>("SELECT 1"), cancellationToken);
}

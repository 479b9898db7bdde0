using CertBroker.Core.Storage;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// A <c>SELECT 1</c> on a pooled connection, after the data source's schema check. With a multi-host connection
/// string and <c>Target Session Attributes=primary</c> it fails while no primary is reachable, which is what a
/// node that cannot write should report.
/// </summary>
public sealed class PostgresStoreProbe(PostgresDataSource source) : IStoreProbe
{
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}

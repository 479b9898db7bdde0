using System.Data;
using System.Runtime.CompilerServices;
using CertBroker.Core.Reports;
using Npgsql;
using CertBroker.Storage.Rows;

namespace CertBroker.Storage.Postgres;

public sealed class PostgresExpiryReportSource(PostgresDataSource source) : IExpiryReportSource
{
    // Big enough that the round trips cost little next to the rows, small enough to hold without noticing.
    private const int FetchSize = 1_000;

    public IAsyncEnumerable<ExpiryReportRow> ReadExpiryReportAsync(ExpiryReportQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return StreamAsync(query.Now, connection => PostgresReports.ExpiryReport(connection, query), cancellationToken);
    }

    public IAsyncEnumerable<ExpiryReportRow> ReadWindowAsync(
        DateTimeOffset now, TimeSpan window, TimeSpan expiringWithin, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return StreamAsync(now, connection => PostgresReports.Window(connection, now, window, expiringWithin, limit), cancellationToken);
    }

    public Task<InventoryStatistics> ReadStatisticsAsync(
        DateTimeOffset now, TimeSpan expiringWithin, IReadOnlyList<int> daysLeftBounds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daysLeftBounds);
        return source.ReadAsync(
            (connection, token) => PostgresReports.StatisticsAsync(connection, now, expiringWithin, daysLeftBounds, token), cancellationToken);
    }

    /// <summary>
    /// Reads through a server-side cursor, <see cref="FetchSize"/> rows at a time, on a pooled connection held for the
    /// whole enumeration: memory does not grow with the inventory, and a caller that stops early (a client that went
    /// away) ends the transaction, which closes the cursor, rather than draining the rest of a million rows.
    /// </summary>
    private async IAsyncEnumerable<ExpiryReportRow> StreamAsync(
        DateTimeOffset now, Func<NpgsqlConnection, NpgsqlCommand> prepare, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken)
            .ConfigureAwait(false);
        await using (NpgsqlCommand declare = prepare(connection))
        {
            declare.Transaction = transaction;
            declare.CommandText = $"DECLARE expiry_report NO SCROLL CURSOR FOR {declare.CommandText}";
            await declare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var fetch = new NpgsqlCommand($"FETCH FORWARD {FetchSize} FROM expiry_report", connection, transaction);
        ExpiryReportOrdinals? ordinals = null;
        int fetched;
        do
        {
            fetched = 0;
            await using NpgsqlDataReader reader = await fetch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                fetched++;
                ordinals ??= new ExpiryReportOrdinals(reader);
                yield return PostgresReports.Row(reader, ordinals, now);
            }
        }
        while (fetched == FetchSize);
    }
}

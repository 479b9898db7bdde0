using System.Runtime.CompilerServices;
using CertBroker.Core.Reports;
using Microsoft.Data.Sqlite;
using CertBroker.Storage.Rows;

namespace CertBroker.Storage.Sqlite;

public sealed class SqliteExpiryReportSource(SqliteDataSource source) : IExpiryReportSource
{
    public IAsyncEnumerable<ExpiryReportRow> ReadExpiryReportAsync(ExpiryReportQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return StreamAsync(query.Now, connection => SqliteReports.ExpiryReport(connection, query), cancellationToken);
    }

    public IAsyncEnumerable<ExpiryReportRow> ReadWindowAsync(
        DateTimeOffset now, TimeSpan window, TimeSpan expiringWithin, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return StreamAsync(now, connection => SqliteReports.Window(connection, now, window, expiringWithin, limit), cancellationToken);
    }

    public Task<InventoryStatistics> ReadStatisticsAsync(
        DateTimeOffset now, TimeSpan expiringWithin, IReadOnlyList<int> daysLeftBounds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(daysLeftBounds);
        return source.ReadAsync((now, expiringWithin, daysLeftBounds), static (connection, args) =>
            SqliteReports.Statistics(connection, args.now, args.expiringWithin, args.daysLeftBounds), cancellationToken);
    }

    /// <summary>
    /// Reads on a connection of its own, kept for the whole enumeration (a pooled one would be held for as long as
    /// the client takes to download), one row at a time: memory does not grow with the inventory.
    /// </summary>
    private async IAsyncEnumerable<ExpiryReportRow> StreamAsync(
        DateTimeOffset now, Func<SqliteConnection, SqliteCommand> prepare, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await source.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using SqliteConnection connection = source.Database.OpenForReading();
        using SqliteCommand command = prepare(connection);
        using SqliteDataReader reader = command.ExecuteReader();
        ExpiryReportOrdinals? ordinals = null;
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            ordinals ??= new ExpiryReportOrdinals(reader);
            yield return SqliteReports.Row(reader, ordinals, now);
        }
    }
}

namespace CertBroker.Core.Reports;

/// <summary>Reads the expiry report and the inventory figures that monitoring scrapes.</summary>
public interface IExpiryReportSource
{
    /// <summary>
    /// The matching certificates (in the order <see cref="ExpiryReportQuery"/> describes), read from the database as
    /// they are enumerated: a caller that
    /// writes each row out before asking for the next never holds more than one.
    /// </summary>
    IAsyncEnumerable<ExpiryReportRow> ReadExpiryReportAsync(ExpiryReportQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Counts by state, by days left (per profile too) and by finding, computed by the database.
    /// <paramref name="daysLeftBounds"/> are ascending, distinct and not negative.
    /// </summary>
    Task<InventoryStatistics> ReadStatisticsAsync(DateTimeOffset now, TimeSpan expiringWithin, IReadOnlyList<int> daysLeftBounds, CancellationToken cancellationToken);

    /// <summary>
    /// The certificates whose per-certificate series monitoring shows: not revoked, not superseded, ending between
    /// <paramref name="now"/> and <paramref name="now"/> + <paramref name="window"/>, the first to end first, at most
    /// <paramref name="limit"/> of them. Streamed like the report.
    /// </summary>
    IAsyncEnumerable<ExpiryReportRow> ReadWindowAsync(DateTimeOffset now, TimeSpan window, TimeSpan expiringWithin, int limit, CancellationToken cancellationToken);
}

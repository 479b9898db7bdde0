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

    /// <summary>Counts by state, by days left and by finding, computed by the database.</summary>
    Task<InventoryStatistics> ReadStatisticsAsync(DateTimeOffset now, TimeSpan expiringWithin, IReadOnlyList<int> daysLeftBounds, CancellationToken cancellationToken);

    /// <summary>
    /// The certificates whose per-certificate series monitoring shows: not revoked, not superseded, ending between
    /// <paramref name="now"/> and <paramref name="now"/> + <paramref name="window"/>. Streamed like the report.
    /// </summary>
    IAsyncEnumerable<ExpiryReportRow> ReadWindowAsync(DateTimeOffset now, TimeSpan window, TimeSpan expiringWithin, CancellationToken cancellationToken);
}

/// <summary>Inventory counts for monitoring.</summary>
/// <param name="ByState">Certificates per state; every state is present.</param>
/// <param name="ExpiringWithinDays">
/// For each bound of days, the certificates neither revoked nor superseded that are unexpired and end within that
/// many days (cumulative, as Prometheus buckets).
/// </param>
/// <param name="FindingsByRule">Findings per (rule ID, severity name).</param>
/// <param name="LastRenewalResults">
/// Certificates in use (neither revoked nor superseded) per outcome of their last renewal attempt, the result's first
/// word (<c>refused</c>); only certificates with an attempt. Successful renewals show as superseded certificates.
/// </param>
public sealed record InventoryStatistics(
    IReadOnlyDictionary<ExpiryState, long> ByState,
    IReadOnlyList<(int Days, long Count)> ExpiringWithinDays,
    IReadOnlyList<(string Rule, string Severity, long Count)> FindingsByRule,
    IReadOnlyList<(string Result, long Count)> LastRenewalResults);

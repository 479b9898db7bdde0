using System.Globalization;
using CertBroker.Core.Reports;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Monitoring;

/// <summary>
/// Inventory figures: counts by state, by days left and by policy finding, and last renewal results, all counted
/// by the database; then per-certificate series (notAfter, renewal due, key and signature attributes) for the
/// certificates inside <see cref="MonitoringOptions.CertificateSeriesWindowDays"/>, read once from the database.
/// </summary>
internal sealed class InventoryMetricsCollector(IExpiryReportSource source, IOptions<MonitoringOptions> options, TimeProvider time) : IMetricsCollector
{
    /// <summary>Days-left bounds of <c>certbroker_certificates_expiring</c>; 28 and 14 are the usual alert thresholds.</summary>
    public static readonly int[] DaysLeftBounds = [1, 7, 14, 28, 30, 60, 90];

    /// <summary>At most this many distinct renewal results get their own series; the rest count as <c>other</c>.</summary>
    private const int MaxRenewalResults = 20;

    public async Task CollectAsync(PrometheusTextWriter writer, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        MonitoringOptions settings = options.Value;
        TimeSpan expiring = TimeSpan.FromDays(settings.ExpiringDays);
        InventoryStatistics statistics = await source.ReadStatisticsAsync(now, expiring, DaysLeftBounds, cancellationToken).ConfigureAwait(false);

        await writer.FamilyAsync("certbroker_certificates", "gauge",
            "Certificates in the inventory by state: valid, renewal_due, expiring, expired, revoked, superseded (docs/monitoring.md defines them).").ConfigureAwait(false);
        foreach (ExpiryState state in ExpiryStates.All)
        {
            await writer.SampleAsync("certbroker_certificates", [("state", ExpiryStates.NameOf(state))], statistics.ByState[state]).ConfigureAwait(false);
        }

        await writer.FamilyAsync("certbroker_certificates_expiring", "gauge",
            "Unexpired certificates, neither revoked nor superseded, that end within the given number of days (cumulative).").ConfigureAwait(false);
        foreach ((int days, long count) in statistics.ExpiringWithinDays)
        {
            await writer.SampleAsync("certbroker_certificates_expiring", [("within_days", days.ToString(CultureInfo.InvariantCulture))], count).ConfigureAwait(false);
        }

        await writer.FamilyAsync("certbroker_policy_findings", "gauge", "Weak-crypto policy findings on inventory certificates, by rule and severity.").ConfigureAwait(false);
        foreach ((string rule, string severity, long count) in statistics.FindingsByRule)
        {
            await writer.SampleAsync("certbroker_policy_findings", [("rule", rule), ("severity", severity)], count).ConfigureAwait(false);
        }

        await writer.FamilyAsync("certbroker_renewal_last_result_certificates", "gauge",
            "Certificates in use by the outcome of their last renewal attempt (e.g. refused); successful renewals show as superseded certificates.").ConfigureAwait(false);
        foreach ((string result, long count) in RenewalResults(statistics.LastRenewalResults))
        {
            await writer.SampleAsync("certbroker_renewal_last_result_certificates", [("result", result)], count).ConfigureAwait(false);
        }

        await WindowSeriesAsync(writer, now, TimeSpan.FromDays(settings.CertificateSeriesWindowDays), expiring, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One read of the window (each of its rows is a random page of the certificates table, so a second read would
    /// cost as much again). The notAfter family is written as rows arrive; the other two families are written from
    /// the few fields kept per certificate, so memory follows the window, never the fleet.
    /// </summary>
    private async Task WindowSeriesAsync(PrometheusTextWriter writer, DateTimeOffset now, TimeSpan window, TimeSpan expiring, CancellationToken cancellationToken)
    {
        const string NotAfter = "certbroker_certificate_not_after_timestamp_seconds";
        await writer.FamilyAsync(NotAfter, "gauge", "notAfter of each certificate inside the series window, as a Unix timestamp.").ConfigureAwait(false);
        var kept = new List<WindowCertificate>();
        await foreach (ExpiryReportRow row in source.ReadWindowAsync(now, window, expiring, cancellationToken).ConfigureAwait(false))
        {
            var certificate = new WindowCertificate(row);
            kept.Add(certificate);
            await writer.SampleAsync(NotAfter, certificate.Identity, row.NotAfter.ToUnixTimeSeconds()).ConfigureAwait(false);
        }

        const string RenewalDue = "certbroker_certificate_renewal_due_timestamp_seconds";
        await writer.FamilyAsync(RenewalDue, "gauge", "When each certificate inside the series window is due for renewal, as a Unix timestamp.").ConfigureAwait(false);
        foreach (WindowCertificate certificate in kept)
        {
            if (certificate.RenewalDue is { } due)
            {
                await writer.SampleAsync(RenewalDue, certificate.Identity, due).ConfigureAwait(false);
            }
        }

        const string Info = "certbroker_certificate_info";
        await writer.FamilyAsync(Info, "gauge", "Key and signature attributes and state of each certificate inside the series window; the value is always 1.").ConfigureAwait(false);
        foreach (WindowCertificate certificate in kept)
        {
            await writer.SampleAsync(Info, certificate.Info, 1).ConfigureAwait(false);
        }
    }

    private static IEnumerable<(string Result, long Count)> RenewalResults(IReadOnlyList<(string Result, long Count)> results)
    {
        if (results.Count <= MaxRenewalResults)
        {
            return results;
        }

        IEnumerable<(string, long)> top = results.OrderByDescending(r => r.Count).Take(MaxRenewalResults - 1);
        long rest = results.OrderByDescending(r => r.Count).Skip(MaxRenewalResults - 1).Sum(r => r.Count);
        return top.Append(("other", rest)).OrderBy(r => r.Item1, StringComparer.Ordinal);
    }

    /// <summary>The labels of one certificate's series, kept between the families.</summary>
    private sealed class WindowCertificate(ExpiryReportRow row)
    {
        public (string, string?)[] Identity { get; } =
            [("serial", row.Serial), ("profile", row.Profile), ("subject", row.Subject), ("device", row.Device ?? "")];

        public long? RenewalDue { get; } = row.RenewalDueAt?.ToUnixTimeSeconds();

        public (string, string?)[] Info { get; } =
        [
            ("serial", row.Serial),
            ("key_algorithm", row.KeyAlgorithm),
            ("key_size", row.KeySize.ToString(CultureInfo.InvariantCulture)),
            ("curve", row.Curve ?? ""),
            ("signature_algorithm", row.SignatureAlgorithm),
            ("state", ExpiryStates.NameOf(row.State)),
            ("findings", string.Join(',', row.Findings)),
        ];
    }
}

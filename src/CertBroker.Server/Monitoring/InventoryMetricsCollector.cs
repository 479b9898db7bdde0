using System.Globalization;
using CertBroker.Core.Reports;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Monitoring;

/// <summary>
/// Inventory figures: counts by state, by profile, state and days left, by policy finding, and last renewal results,
/// all counted by the database; then per-certificate series (notAfter, renewal due, key and signature attributes)
/// for the first <see cref="MonitoringOptions.CertificateSeriesLimit"/> certificates to end inside
/// <see cref="MonitoringOptions.CertificateSeriesWindowDays"/>, read once from the database. The series count
/// follows the number of profiles and the limit, never the fleet.
/// </summary>
internal sealed class InventoryMetricsCollector(IExpiryReportSource source, IOptions<MonitoringOptions> options, TimeProvider time) : IMetricsCollector
{
    /// <summary>Days-left bounds of <c>certbroker_certificates_expiring</c>; 28 and 14 are the usual alert thresholds.</summary>
    public static readonly int[] DaysLeftBounds = [1, 7, 14, 28, 30, 60, 90];

    /// <summary>
    /// The <c>expires_in</c> buckets of <c>certbroker_certificates_by_expiry</c> beside <c>expired</c> and <c>later</c>:
    /// each holds the certificates ending after the previous bound and within its own.
    /// </summary>
    public static readonly (int Days, string Label)[] ExpiryBuckets = [(1, "1d"), (7, "7d"), (30, "30d"), (90, "90d")];

    /// <summary>At most this many distinct renewal results get their own series; the rest count as <c>other</c>.</summary>
    private const int MaxRenewalResults = 20;

    public async Task CollectAsync(PrometheusTextWriter writer, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        MonitoringOptions settings = options.Value;
        TimeSpan expiring = TimeSpan.FromDays(settings.ExpiringDays);
        // One pass of the database for every bound in use: the window's end is a bound so its certificates are counted.
        int[] bounds = [.. DaysLeftBounds.Concat(ExpiryBuckets.Select(b => b.Days)).Append(settings.CertificateSeriesWindowDays).Distinct().Order()];
        InventoryStatistics statistics = await source.ReadStatisticsAsync(now, expiring, bounds, cancellationToken).ConfigureAwait(false);

        await writer.FamilyAsync("certbroker_certificates", "gauge",
            "Certificates in the inventory by state: valid, renewal_due, expiring, expired, revoked, superseded (docs/monitoring.md defines them).").ConfigureAwait(false);
        foreach (ExpiryState state in ExpiryStates.All)
        {
            await writer.SampleAsync("certbroker_certificates", [("state", ExpiryStates.NameOf(state))], statistics.ByState[state]).ConfigureAwait(false);
        }

        await writer.FamilyAsync("certbroker_certificates_expiring", "gauge",
            "Unexpired certificates, neither revoked nor superseded, that end within the given number of days (cumulative).").ConfigureAwait(false);
        foreach ((int days, long count) in statistics.ExpiringWithinDays.Where(e => DaysLeftBounds.Contains(e.Days)))
        {
            await writer.SampleAsync("certbroker_certificates_expiring", [("within_days", days.ToString(CultureInfo.InvariantCulture))], count).ConfigureAwait(false);
        }

        await writer.FamilyAsync("certbroker_certificates_by_expiry", "gauge",
            "Certificates neither revoked nor superseded by profile, state and when they end: expired, within 1d, 7d, 30d, 90d (each after the previous bucket) or later.").ConfigureAwait(false);
        foreach (((string profile, ExpiryState state, string bucket), long count) in ByExpiry(statistics.ByExpiry, bounds))
        {
            await writer.SampleAsync("certbroker_certificates_by_expiry", [("profile", profile), ("state", ExpiryStates.NameOf(state)), ("expires_in", bucket)], count).ConfigureAwait(false);
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

        int windowBucket = Array.IndexOf(bounds, settings.CertificateSeriesWindowDays);
        long inWindow = statistics.ByExpiry.Where(c => c.Bucket >= 0 && c.Bucket <= windowBucket).Sum(c => c.Count);
        int written = await WindowSeriesAsync(writer, now, TimeSpan.FromDays(settings.CertificateSeriesWindowDays), expiring, settings.CertificateSeriesLimit, cancellationToken)
            .ConfigureAwait(false);

        // Counted and read in two statements: a certificate enrolled in between must not make the figure negative.
        await writer.FamilyAsync("certbroker_certificate_series_omitted", "gauge",
            "Certificates inside the series window left without per-certificate series by CertBroker:Monitoring:CertificateSeriesLimit; 0 when none.").ConfigureAwait(false);
        await writer.SampleAsync("certbroker_certificate_series_omitted", Math.Max(0, inWindow - written)).ConfigureAwait(false);
    }

    /// <summary>The store's fine buckets summed into the exported ones, in the store's order (profile, bucket, state).</summary>
    private static List<((string Profile, ExpiryState State, string Bucket) Key, long Count)> ByExpiry(IReadOnlyList<ExpiryCount> counts, int[] bounds)
    {
        var sums = new List<((string, ExpiryState, string) Key, long Count)>();
        var positions = new Dictionary<(string, ExpiryState, string), int>();
        foreach (ExpiryCount count in counts)
        {
            (string, ExpiryState, string) key = (count.Profile, count.State, BucketLabel(count.Bucket, bounds));
            if (positions.TryGetValue(key, out int position))
            {
                sums[position] = (key, sums[position].Count + count.Count);
            }
            else
            {
                positions[key] = sums.Count;
                sums.Add((key, count.Count));
            }
        }

        return sums;
    }

    private static string BucketLabel(int bucket, int[] bounds)
    {
        if (bucket < 0)
        {
            return "expired";
        }

        foreach ((int days, string label) in ExpiryBuckets)
        {
            if (bucket < bounds.Length && bounds[bucket] <= days)
            {
                return label;
            }
        }

        return "later";
    }

    /// <summary>
    /// One read of the window (each of its rows is a random page of the certificates table, so a second read would
    /// cost as much again). The notAfter family is written as rows arrive; the other two families are written from
    /// the few fields kept per certificate, so memory follows the window, never the fleet.
    /// </summary>
    private async Task<int> WindowSeriesAsync(
        PrometheusTextWriter writer, DateTimeOffset now, TimeSpan window, TimeSpan expiring, int limit, CancellationToken cancellationToken)
    {
        const string NotAfter = "certbroker_certificate_not_after_timestamp_seconds";
        await writer.FamilyAsync(NotAfter, "gauge", "notAfter of each certificate inside the series window, as a Unix timestamp.").ConfigureAwait(false);
        var kept = new List<WindowCertificate>();
        await foreach (ExpiryReportRow row in source.ReadWindowAsync(now, window, expiring, limit, cancellationToken).ConfigureAwait(false))
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

        return kept.Count;
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

namespace CertBroker.Server.Monitoring;

/// <summary><c>CertBroker:Monitoring</c>: who may scrape <c>/metrics</c> and read the expiry report, and what the figures cover.</summary>
public sealed class MonitoringOptions
{
    public const string SectionName = "CertBroker:Monitoring";

    /// <summary>
    /// A shared secret Prometheus sends as <c>Authorization: Bearer &lt;token&gt;</c>; it acts with the Monitoring
    /// role. At least 32 characters. Unset (the default), only accounts and API tokens are accepted.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Per-certificate series cover the certificates ending within this many days (default 7, 0 to 3650); counts
    /// by profile, state and days left cover every certificate whatever the window.
    /// </summary>
    public int CertificateSeriesWindowDays { get; set; } = 7;

    /// <summary>
    /// At most this many certificates inside the window get per-certificate series, the first to end first (default
    /// 500, 0 to 10,000; each is three series). The rest are counted in <c>certbroker_certificate_series_omitted</c>.
    /// </summary>
    public int CertificateSeriesLimit { get; set; } = 500;

    /// <summary>A certificate ending within this many days is in the <c>expiring</c> state (default 14).</summary>
    public int ExpiringDays { get; set; } = 14;
}

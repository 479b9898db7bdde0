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
    /// Per-certificate series cover the certificates ending within this many days (default 30), so a large fleet
    /// does not explode the number of series; counts cover every certificate.
    /// </summary>
    public int CertificateSeriesWindowDays { get; set; } = 30;

    /// <summary>A certificate ending within this many days is in the <c>expiring</c> state (default 14).</summary>
    public int ExpiringDays { get; set; } = 14;
}

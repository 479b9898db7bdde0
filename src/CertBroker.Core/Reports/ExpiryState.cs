namespace CertBroker.Core.Reports;

/// <summary>
/// Where a certificate stands in its life at a given time, as the expiry report and the metrics show it. The first
/// state that applies wins, in this order:
/// <list type="number">
/// <item><see cref="Revoked"/>: it has been revoked (whatever its dates).</item>
/// <item><see cref="Superseded"/>: not revoked, and a newer certificate replaced it (a renewal recorded its serial).</item>
/// <item><see cref="Expired"/>: its notAfter has passed.</item>
/// <item><see cref="Expiring"/>: it ends within the expiring threshold (<c>CertBroker:Monitoring:ExpiringDays</c>, 14 days by default).</item>
/// <item><see cref="RenewalDue"/>: its renewal due time has passed and it has not been renewed yet.</item>
/// <item><see cref="Valid"/>: none of the above.</item>
/// </list>
/// The store computes the state in SQL from the clock's time, so reports filter and metrics count by it without
/// loading rows.
/// </summary>
public enum ExpiryState
{
    Valid,
    RenewalDue,
    Expiring,
    Expired,
    Revoked,
    Superseded,
}

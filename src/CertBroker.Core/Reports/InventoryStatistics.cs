namespace CertBroker.Core.Reports;

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
/// <param name="ByExpiry">
/// Certificates neither revoked nor superseded per profile, state and days-left bucket (see <see cref="ExpiryCount"/>),
/// with a zero for every state a bucket can hold, for each profile that has such a certificate.
/// </param>
public sealed record InventoryStatistics(
    IReadOnlyDictionary<ExpiryState, long> ByState,
    IReadOnlyList<(int Days, long Count)> ExpiringWithinDays,
    IReadOnlyList<(string Rule, string Severity, long Count)> FindingsByRule,
    IReadOnlyList<(string Result, long Count)> LastRenewalResults,
    IReadOnlyList<ExpiryCount> ByExpiry);

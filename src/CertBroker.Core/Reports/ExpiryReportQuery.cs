namespace CertBroker.Core.Reports;

/// <summary>
/// Which certificates the expiry report lists; every filter is optional. With <see cref="Within"/> rows come in
/// notAfter order, otherwise in the order they were added to the inventory (a sequential read of the table).
/// </summary>
public sealed record ExpiryReportQuery
{
    /// <summary>The time states and days remaining are computed at.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Certificates at most this long from expiry (still valid, ending by <see cref="Now"/> + this).</summary>
    public TimeSpan? Within { get; init; }

    public ExpiryState? State { get; init; }

    public string? Profile { get; init; }

    /// <summary>Device group: the device's location, compared case-insensitively.</summary>
    public string? Location { get; init; }

    /// <summary>Device group: the device's owner, compared case-insensitively.</summary>
    public string? Owner { get; init; }

    /// <summary>How close to its end a certificate counts as <see cref="ExpiryState.Expiring"/>.</summary>
    public required TimeSpan ExpiringWithin { get; init; }
}

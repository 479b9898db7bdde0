using CertBroker.Core.Profiles;

namespace CertBroker.Core.Renewal;

/// <summary>
/// When a certificate becomes due for renewal: the profile's share of the lifetime (ADCS renews at 80%) or a number
/// of days before expiry, moved by a random jitter so a fleet enrolled in one afternoon does not come due in one
/// minute. This is a schedule, not a gate: whether a renewal request is accepted is decided by the profile's
/// RenewalWindowDays/RenewalWindowPercent, and the due time is kept inside that window so a device that renews when
/// told to is never refused.
/// </summary>
public static class RenewalDueTime
{
    /// <param name="random">The jitter's source; <see cref="Random.Shared"/> in the service, seeded in tests.</param>
    public static DateTimeOffset Compute(ProfileOptions options, DateTimeOffset notBefore, DateTimeOffset notAfter, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        TimeSpan lifetime = notAfter - notBefore;
        if (lifetime <= TimeSpan.Zero)
        {
            return notAfter;
        }

        DateTimeOffset due = options.RenewalDueDaysBeforeExpiry is int days
            ? notAfter - TimeSpan.FromDays(days)
            : notBefore + lifetime * (options.RenewalDuePercent / 100.0);
        TimeSpan spread = JitterSpread(options, lifetime);
        due += spread * ((random.NextDouble() * 2) - 1);

        DateTimeOffset earliest = Max(notBefore, WindowOpens(options, notBefore, notAfter));
        return due < earliest ? earliest : due > notAfter ? notAfter : due;
    }

    /// <summary>The record with its due time planned, as the issue paths write it.</summary>
    public static Model.CertificateRecord Plan(Model.CertificateRecord record, ProfileOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record with { RenewalDueAt = Compute(options, record.NotBefore, record.NotAfter, random) };
    }

    /// <summary>The jitter is plus or minus this much around the nominal due time.</summary>
    public static TimeSpan JitterSpread(ProfileOptions options, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.RenewalJitterHours is int hours
            ? TimeSpan.FromHours(hours)
            : lifetime * (options.RenewalJitterPercent / 100.0);
    }

    /// <summary>When the profile's renewal window opens (either limit opens it); notBefore when the profile has none.</summary>
    public static DateTimeOffset WindowOpens(ProfileOptions options, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ArgumentNullException.ThrowIfNull(options);
        DateTimeOffset? opens = null;
        if (options.RenewalWindowDays is int days)
        {
            opens = notAfter - TimeSpan.FromDays(days);
        }

        if (options.RenewalWindowPercent is int percent)
        {
            DateTimeOffset byPercent = notAfter - ((notAfter - notBefore) * (percent / 100.0));
            opens = opens is { } o ? Min(o, byPercent) : byPercent;
        }

        return opens ?? notBefore;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;

namespace CertBroker.Core.Tests.Renewal;

public sealed class RenewalDueTimeTests
{
    private static readonly DateTimeOffset NotBefore = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NotAfter = NotBefore.AddDays(365);

    [Fact]
    public void Compute_DefaultProfile_SpreadsAFleetAcrossEightyPercentPlusOrMinusTwoPercentOfTheLifetime()
    {
        var options = new ProfileOptions();
        var random = new Random(2026);
        DateTimeOffset nominal = NotBefore + ((NotAfter - NotBefore) * 0.8);
        TimeSpan spread = TimeSpan.FromDays(365 * 0.02);

        DateTimeOffset[] fleet = [.. Enumerable.Range(0, 10_000).Select(_ => RenewalDueTime.Compute(options, NotBefore, NotAfter, random))];

        Assert.All(fleet, due => Assert.InRange(due, nominal - spread, nominal + spread));
        // Spread over the whole band, not bunched: both outer tenths are used and no hour holds more than 1%.
        Assert.Contains(fleet, due => due < nominal - (spread * 0.9));
        Assert.Contains(fleet, due => due > nominal + (spread * 0.9));
        Assert.True(fleet.GroupBy(due => due.ToUnixTimeSeconds() / 3600).Max(hour => hour.Count()) < 100);
    }

    [Fact]
    public void Compute_DaysBeforeExpiryAndJitterHours_StaysWithinThoseHoursOfThatDay()
    {
        var options = new ProfileOptions { RenewalDueDaysBeforeExpiry = 30, RenewalJitterHours = 12 };
        var random = new Random(5);

        DateTimeOffset[] fleet = [.. Enumerable.Range(0, 1000).Select(_ => RenewalDueTime.Compute(options, NotBefore, NotAfter, random))];

        Assert.All(fleet, due => Assert.InRange(due, NotAfter.AddDays(-30).AddHours(-12), NotAfter.AddDays(-30).AddHours(12)));
    }

    [Fact]
    public void Compute_DueBeforeTheRenewalWindowOpens_IsMovedToTheWindowSoTheRenewalIsAccepted()
    {
        var options = new ProfileOptions { RenewalDuePercent = 50, RenewalWindowDays = 30, RenewalJitterPercent = 0 };

        DateTimeOffset due = RenewalDueTime.Compute(options, NotBefore, NotAfter, new Random(1));

        Assert.Equal(NotAfter.AddDays(-30), due);
    }

    [Fact]
    public void Compute_NoJitter_IsExactlyTheConfiguredShareOfTheLifetime()
    {
        var options = new ProfileOptions { RenewalDuePercent = 80, RenewalJitterPercent = 0 };

        Assert.Equal(NotBefore.AddDays(292), RenewalDueTime.Compute(options, NotBefore, NotAfter, new Random(1)));
    }
}

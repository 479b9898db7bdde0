using CertBroker.Core.Model;
using CertBroker.Core.Renewal;

namespace CertBroker.Core.Tests.Renewal;

public sealed class RenewalEventTextTests
{
    private static readonly DateTimeOffset NotAfter = new(2027, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

    private static RenewalTransition Certificate(string subject, int? thresholdDays) => new(
        7, "0A1B", "default", subject, 3, NotAfter, NotAfter.AddDays(-20), RenewalState.Valid, thresholdDays);

    [Theory]
    [InlineData(1)]
    [InlineData(14)]
    [InlineData(3650)]
    public void AlertThreshold_OfAnExpiryAlertsText_IsTheThresholdItWasWrittenWith(int days)
    {
        string text = RenewalEventText.Describe(Certificate("CN=printer-4", days), RenewalEventTypes.ExpiryAlert);

        Assert.Equal($"Certificate 0A1B for CN=printer-4 expires within {days} days, at 2027-03-04 03:06:07Z.", text);
        Assert.Equal(days, RenewalEventText.AlertThreshold(text));
    }

    [Fact]
    public void AlertThreshold_SubjectThatContainsTheSameWords_ReadsTheTextsOwnThreshold()
    {
        string subject = "CN=expires within 99 days\\, at 2020-01-01 00:00:00Z.";

        string text = RenewalEventText.Describe(Certificate(subject, 7), RenewalEventTypes.ExpiryAlert);

        Assert.Equal(7, RenewalEventText.AlertThreshold(text));
    }

    [Theory]
    [InlineData(RenewalEventTypes.RenewalDue)]
    [InlineData(RenewalEventTypes.RenewalOverdue)]
    [InlineData(RenewalEventTypes.Expired)]
    public void AlertThreshold_OtherLifecycleEventsText_IsNull(string action)
    {
        Assert.Null(RenewalEventText.AlertThreshold(RenewalEventText.Describe(Certificate("CN=router", null), action)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Certificate 0A1B for CN=x expires within many days, at 2027-03-04 03:06:07Z.")]
    [InlineData("Certificate 0A1B for CN=x expires within 12345 days, at 2027-03-04 03:06:07Z.")]
    [InlineData("Certificate 0A1B for CN=x expires within 14 days, at 2027-03-04 03:06:07Z. Edited.")]
    public void AlertThreshold_TextWithoutTheAlertsEnding_IsNull(string? details)
    {
        Assert.Null(RenewalEventText.AlertThreshold(details));
    }
}

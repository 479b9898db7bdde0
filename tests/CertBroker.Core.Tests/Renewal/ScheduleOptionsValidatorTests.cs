using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Renewal;

public sealed class ScheduleOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds() =>
        Assert.True(new ScheduleOptionsValidator().Validate(null, new ScheduleOptions()).Succeeded);

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOneWithItsKeyAndValue()
    {
        var options = new ScheduleOptions { RenewalSweepMinutes = 0, BatchSize = 10, ExpiryAlertDays = [30, 0] };

        ValidateOptionsResult result = new ScheduleOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Collection(
            result.Failures!,
            f => Assert.Equal("CertBroker:Schedule:RenewalSweepMinutes must be between 1 and 10080 minutes; got 0.", f),
            f => Assert.Equal("CertBroker:Schedule:BatchSize must be between 100 and 100000; got 10.", f),
            f => Assert.Equal("CertBroker:Schedule:ExpiryAlertDays must list days between 1 and 3650; got [30, 0].", f));
    }

    [Fact]
    public void Validate_ProfileRenewalDueSettingsOutOfRange_NamesEachKey()
    {
        var broker = new BrokerOptions();
        broker.Profiles["default"] = new ProfileOptions { RenewalDuePercent = 100, RenewalDueDaysBeforeExpiry = 400, RenewalJitterPercent = 30 };

        ValidateOptionsResult result = new BrokerOptionsValidator().Validate(null, broker);

        Assert.Equal(3, result.Failures!.Count(f => f.StartsWith("CertBroker:Profiles:default:Renewal", StringComparison.Ordinal)));
    }
}

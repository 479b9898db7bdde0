using CertBroker.Server.Monitoring;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Tests.Monitoring;

public sealed class MonitoringOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_SucceedWithASevenDayWindowCappedAt500()
    {
        var options = new MonitoringOptions();

        Assert.True(new MonitoringOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal((7, 500), (options.CertificateSeriesWindowDays, options.CertificateSeriesLimit));
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOneWithItsKeyAndValue()
    {
        var options = new MonitoringOptions { Token = "short", CertificateSeriesWindowDays = -1, CertificateSeriesLimit = 10_001, ExpiringDays = 4000 };

        ValidateOptionsResult result = new MonitoringOptionsValidator().Validate(null, options);

        Assert.Collection(
            result.Failures!,
            f => Assert.StartsWith("CertBroker:Monitoring:Token must be at least 32 characters (it is 5)", f, StringComparison.Ordinal),
            f => Assert.Equal("CertBroker:Monitoring:CertificateSeriesWindowDays must be 0 to 3650 days, not -1.", f),
            f => Assert.Equal("CertBroker:Monitoring:CertificateSeriesLimit must be 0 to 10000 certificates, not 10001.", f),
            f => Assert.Equal("CertBroker:Monitoring:ExpiringDays must be 0 to 3650 days, not 4000.", f));
    }
}

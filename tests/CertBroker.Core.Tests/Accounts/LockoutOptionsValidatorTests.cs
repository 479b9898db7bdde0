using CertBroker.Core.Accounts;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Accounts;

public sealed class LockoutOptionsValidatorTests
{
    private readonly LockoutOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_AreFiveFailuresAndFifteenMinutes()
    {
        var options = new LockoutOptions();

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal(5, options.Threshold);
        Assert.Equal(15, options.DurationMinutes);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 60)]
    public void Validate_ValuesAtTheLimits_Succeed(int threshold, int durationMinutes)
    {
        var options = new LockoutOptions { Threshold = threshold, DurationMinutes = durationMinutes };

        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_EveryValueOutOfRange_ReportsEachWithKeyAndValue()
    {
        var options = new LockoutOptions { Threshold = 0, DurationMinutes = 61, SlowDownThreshold = 1001, SlowDownSeconds = 0 };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.Equal(
            [
                "CertBroker:Admin:Lockout:Threshold is 0; it must be between 1 and 10.",
                "CertBroker:Admin:Lockout:DurationMinutes is 61; it must be between 1 and 60.",
                "CertBroker:Admin:Lockout:SlowDownThreshold is 1001; it must be between Threshold (0) and 1000.",
                "CertBroker:Admin:Lockout:SlowDownSeconds is 0; it must be between 1 and 60.",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_SlowDownBeforeTheLockout_Fails()
    {
        var options = new LockoutOptions { Threshold = 10, SlowDownThreshold = 9 };

        Assert.True(_validator.Validate(null, options).Failed);
    }

    [Theory]
    [InlineData(11, 15)]
    [InlineData(5, 0)]
    public void Validate_OneValueOutOfRange_Fails(int threshold, int durationMinutes)
    {
        var options = new LockoutOptions { Threshold = threshold, DurationMinutes = durationMinutes };

        Assert.True(_validator.Validate(null, options).Failed);
    }
}

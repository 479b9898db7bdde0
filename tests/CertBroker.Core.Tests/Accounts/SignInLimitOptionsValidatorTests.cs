using CertBroker.Core.Accounts;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Accounts;

public sealed class SignInLimitOptionsValidatorTests
{
    private readonly SignInLimitOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_HalfTheProcessorsFourWaitingPerProcessorTwentyFailuresPerQuarterHour()
    {
        var options = new SignInLimitOptions();

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal(1, options.ConcurrentChecks(processors: 2));
        Assert.Equal(4, options.ConcurrentChecks(processors: 8));
        Assert.Equal(8, options.QueueLength(processors: 2));
        Assert.Equal(20, options.SourceFailureLimit);
        Assert.Equal(15, options.SourceFailureWindowMinutes);
        Assert.Equal(2, options.BusyRetryAfterSeconds);
    }

    [Fact]
    public void Validate_EveryValueOutOfRange_ReportsEachWithKeyAndValue()
    {
        var options = new SignInLimitOptions
        {
            ConcurrentPasswordChecks = -1,
            QueuedPasswordChecksPerProcessor = 101,
            BusyRetryAfterSeconds = 0,
            SourceFailureLimit = 0,
            SourceFailureWindowMinutes = 1441,
        };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.Equal(
            [
                "CertBroker:Admin:SignInLimits:ConcurrentPasswordChecks is -1; it must be between 0 and 64.",
                "CertBroker:Admin:SignInLimits:QueuedPasswordChecksPerProcessor is 101; it must be between 0 and 100.",
                "CertBroker:Admin:SignInLimits:BusyRetryAfterSeconds is 0; it must be between 1 and 60.",
                "CertBroker:Admin:SignInLimits:SourceFailureLimit is 0; it must be between 1 and 1000.",
                "CertBroker:Admin:SignInLimits:SourceFailureWindowMinutes is 1441; it must be between 1 and 1440.",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_ConfiguredConcurrency_IsUsedAsGiven()
    {
        var options = new SignInLimitOptions { ConcurrentPasswordChecks = 3, QueuedPasswordChecksPerProcessor = 0 };

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal(3, options.ConcurrentChecks(processors: 16));
        Assert.Equal(0, options.QueueLength(processors: 16));
    }
}

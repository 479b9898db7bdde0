using CertBroker.Core.Accounts;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Accounts;

public sealed class PasswordPolicyOptionsValidatorTests
{
    private readonly PasswordPolicyOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(_validator.Validate(null, new PasswordPolicyOptions()).Succeeded);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(32, 180)]
    [InlineData(12, null)]
    public void Validate_ValuesAtTheLimits_Succeed(int minimumLength, int? validityDays)
    {
        var options = new PasswordPolicyOptions { MinimumLength = minimumLength, ValidityDays = validityDays };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(33, 1)]
    [InlineData(12, 0)]
    [InlineData(12, 181)]
    public void Validate_ValueOutOfRange_Fails(int minimumLength, int? validityDays)
    {
        var options = new PasswordPolicyOptions { MinimumLength = minimumLength, ValidityDays = validityDays };

        Assert.True(_validator.Validate(null, options).Failed);
    }

    [Fact]
    public void Validate_EveryValueOutOfRange_ReportsEachWithKeyAndValue()
    {
        var options = new PasswordPolicyOptions { MinimumLength = 40, ValidityDays = 365 };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.Equal(
            [
                "CertBroker:Admin:PasswordPolicy:MinimumLength is 40; it must be between 1 and 32.",
                "CertBroker:Admin:PasswordPolicy:ValidityDays is 365; it must be between 1 and 180, or unset so passwords do not expire.",
            ],
            result.Failures);
    }
}

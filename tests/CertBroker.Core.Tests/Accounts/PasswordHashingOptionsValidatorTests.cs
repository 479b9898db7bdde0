using CertBroker.Core.Accounts;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Accounts;

public sealed class PasswordHashingOptionsValidatorTests
{
    private readonly PasswordHashingOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(_validator.Validate(null, new PasswordHashingOptions()).Succeeded);
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(10_000_000)]
    public void Validate_IterationsAtTheLimits_Succeed(int iterations)
    {
        Assert.True(_validator.Validate(null, new PasswordHashingOptions { Iterations = iterations }).Succeeded);
    }

    [Fact]
    public void Validate_TooFewIterations_NamesKeyAndValue()
    {
        ValidateOptionsResult result = _validator.Validate(null, new PasswordHashingOptions { Iterations = 10_000 });

        Assert.Equal(
            ["CertBroker:Admin:PasswordHashing:Iterations is 10000; it must be between 100000 and 10000000 (600000 recommended)."],
            result.Failures);
    }

    [Fact]
    public void Validate_TooManyIterations_Fails()
    {
        Assert.True(_validator.Validate(null, new PasswordHashingOptions { Iterations = 10_000_001 }).Failed);
    }
}

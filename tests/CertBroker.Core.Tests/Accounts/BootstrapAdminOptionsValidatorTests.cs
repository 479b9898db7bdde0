using CertBroker.Core.Accounts;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Accounts;

public sealed class BootstrapAdminOptionsValidatorTests
{
    private readonly BootstrapAdminOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(_validator.Validate(null, new BootstrapAdminOptions()).Succeeded);
    }

    [Theory]
    [InlineData("Initial-Setup-2025")]
    [InlineData("weak")]
    [InlineData("")]
    public void Validate_PasswordWithoutSurroundingWhiteSpace_Succeeds(string password)
    {
        Assert.True(_validator.Validate(null, new BootstrapAdminOptions { BootstrapPassword = password }).Succeeded);
    }

    [Fact]
    public void Validate_TrailingLineBreakAndEmptyFile_ReportsBothWithoutRepeatingThePassword()
    {
        var options = new BootstrapAdminOptions { BootstrapPassword = "Initial-Setup-2025\n", BootstrapPasswordFile = " " };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.Equal(
            [
                "CertBroker:Admin:BootstrapPassword starts or ends with white space or a line break; remove it, or check how the value is quoted.",
                "CertBroker:Admin:BootstrapPasswordFile must not be empty.",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_LeadingSpace_Fails()
    {
        Assert.True(_validator.Validate(null, new BootstrapAdminOptions { BootstrapPassword = " Initial-Setup-2025" }).Failed);
    }
}

using CertBroker.Core.Profiles;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests;

public sealed class BrokerOptionsValidatorTests
{
    private readonly BrokerOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        ValidateOptionsResult result = _validator.Validate(null, new BrokerOptions());

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_TypicalConfiguration_Succeeds()
    {
        var options = new BrokerOptions
        {
            DataDir = "/var/lib/certbroker",
            Profiles =
            {
                ["default"] = new ProfileOptions { ChallengePassword = "s3cret", ExtendedKeyUsage = ["ClientAuth", "1.3.6.1.5.5.7.3.17"] },
                ["printers"] = new ProfileOptions { Challenge = ChallengeMode.None, Approval = ApprovalMode.Manual, Ciphers = ["AES"], Digests = ["SHA-256"], RenewalWindowDays = 30 },
            },
            PathProfiles = { ["/certsrv/mscep/mscep.dll"] = "printers" },
        };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOneAtOnce()
    {
        var options = new BrokerOptions
        {
            DataDir = " ",
            MaxMessageBytes = 100,
            Profiles =
            {
                ["bad name!"] = new ProfileOptions(),
                ["vpn"] = new ProfileOptions
                {
                    ValidityDays = 0,
                    Challenge = ChallengeMode.None,
                    ChallengePassword = "contradiction",
                    RenewalWindowPercent = 150,
                    RenewalWindowDays = 0,
                    ExtendedKeyUsage = ["SmartcardLogon"],
                    Ciphers = ["RC2"],
                    Digests = ["MD5"],
                    PendingExpiryDays = 0,
                },
            },
            PathProfiles = { ["cgi-bin/pkiclient.exe"] = "missing" },
        };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        string[] failures = result.Failures!.ToArray();
        Assert.Equal(14, failures.Length);
        Assert.Contains(failures, f => f.Contains("CertBroker:DataDir", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MaxMessageBytes", StringComparison.Ordinal) && f.Contains("100", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'bad name!'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Profiles:vpn:ValidityDays", StringComparison.Ordinal) && f.Contains("got 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Challenge=None contradicts", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Challenge=None is only allowed with Approval=Manual", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("PendingExpiryDays", StringComparison.Ordinal) && f.Contains("got 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("RenewalWindowPercent", StringComparison.Ordinal) && f.Contains("150", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("RenewalWindowDays", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'SmartcardLogon'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'RC2'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'MD5'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'cgi-bin/pkiclient.exe' must start with '/'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("profile 'missing'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ChallengePasswordWithChallengeNone_DoesNotEchoThePassword()
    {
        var options = new BrokerOptions
        {
            Profiles = { ["default"] = new ProfileOptions { Challenge = ChallengeMode.None, ChallengePassword = "do-not-log-me" } },
        };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.DoesNotContain("do-not-log-me", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PathProfileNamingDefault_SucceedsWithoutDefaultConfigured()
    {
        var options = new BrokerOptions { PathProfiles = { ["/cgi-bin/pkiclient.exe"] = "default" } };

        Assert.True(_validator.Validate(null, options).Succeeded);
    }
}

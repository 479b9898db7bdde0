using CertBroker.Core.Profiles;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests;

/// <summary>The <c>Backend</c> and <c>Ndes</c> keys of a profile, checked with every other key.</summary>
public sealed class NdesOptionsValidationTests
{
    private readonly BrokerOptionsValidator _validator = new();

    [Fact]
    public void Validate_StaticUpstreamChallenge_Succeeds()
    {
        ValidateOptionsResult result = Validate(new ProfileOptions
        {
            Backend = ProfileBackend.Ndes,
            Ndes = new NdesOptions { Url = "https://ndes.example.com/certsrv/mscep/mscep.dll", Challenge = "upstream-secret" },
        });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_OneTimePasswordsFromAdminPage_Succeeds()
    {
        ValidateOptionsResult result = Validate(new ProfileOptions
        {
            Backend = ProfileBackend.Ndes,
            Ndes = new NdesOptions
            {
                Url = "http://ca.example.com:8080/scep",
                AdminUrl = "https://ndes.example.com/certsrv/mscep_admin/",
                UserName = "EXAMPLE\\scep-admin",
                Password = "p",
            },
        });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_ManyUpstreamProblems_ReportsEveryOneAtOnce()
    {
        ValidateOptionsResult result = Validate(new ProfileOptions
        {
            Backend = ProfileBackend.Ndes,
            ChallengePassword = "local",
            Challenge = ChallengeMode.None,
            Approval = ApprovalMode.Manual,
            Ndes = new NdesOptions
            {
                Url = "ftp://ndes.example.com/",
                AdminUrl = "not a url",
                Challenge = "also-static",
                UserName = "admin",
                RaCertificatePath = "/etc/certbroker/ra.pem",
                TimeoutSeconds = 0,
                PollIntervalSeconds = 1,
                MaxAttempts = 0,
                RetryDelaySeconds = 100,
                MaxRetryDelaySeconds = 50,
                CaRefreshMinutes = 0,
            },
        });

        string failures = result.FailureMessage ?? "";
        Assert.Contains("CertBroker:Profiles:mfd:Ndes:Url", failures);
        Assert.Contains("set exactly one of Challenge", failures);
        Assert.Contains("Ndes:AdminUrl must be an absolute", failures);
        Assert.Contains("UserName and Password go together", failures);
        Assert.Contains("ChallengePassword must stay unset", failures);
        Assert.Contains("Challenge=None is not possible with Backend=Ndes", failures);
        Assert.Contains("RaCertificatePath and RaKeyPath go together", failures);
        Assert.Contains("Ndes:TimeoutSeconds", failures);
        Assert.Contains("Ndes:PollIntervalSeconds", failures);
        Assert.Contains("Ndes:MaxAttempts", failures);
        Assert.Contains("Ndes:MaxRetryDelaySeconds", failures);
        Assert.Contains("Ndes:CaRefreshMinutes", failures);
    }

    [Fact]
    public void Validate_EmbeddedProfileWithStrayNdesKeys_Succeeds()
    {
        ValidateOptionsResult result = Validate(new ProfileOptions { ChallengePassword = "s", Ndes = new NdesOptions { Url = "not checked" } });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void ProfileCatalog_NdesProfiles_TakeTheirDeviceChallengeFromTheUpstream()
    {
        var options = new BrokerOptions
        {
            Profiles =
            {
                ["static"] = new ProfileOptions { Backend = ProfileBackend.Ndes, Ndes = new NdesOptions { Url = "http://u/scep", Challenge = "upstream-secret" } },
                ["otp"] = new ProfileOptions { Backend = ProfileBackend.Ndes, Ndes = new NdesOptions { Url = "http://u/scep", AdminUrl = "http://u/certsrv/mscep_admin/" } },
            },
        };

        var catalog = new ProfileCatalog(Options.Create(options));

        Assert.Equal((ChallengeMode.Static, "upstream-secret"), (catalog.Find("static")!.Options.Challenge, catalog.Find("static")!.Options.ChallengePassword));
        Assert.Equal(ChallengeMode.OneTime, catalog.Find("otp")!.Options.Challenge);
        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    private ValidateOptionsResult Validate(ProfileOptions profile) =>
        _validator.Validate(null, new BrokerOptions { Profiles = { ["mfd"] = profile } });
}

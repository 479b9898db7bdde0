using CertBroker.Server.Webhooks;

namespace CertBroker.Server.Tests.Lifecycle;

public sealed class WebhookOptionsValidatorTests
{
    private const string GoodSecret = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void Validate_UrlWithoutSecret_FailsNamingTheSecretKey()
    {
        var options = new WebhookOptions { Url = "https://hooks.example.net/certbroker" };

        string failure = Assert.Single(new WebhookOptionsValidator().Validate(null, options).Failures!);

        Assert.StartsWith("CertBroker:Webhook:Secret is required when Url is set", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ShortSecretAndBadUrl_ReportsBothWithoutEchoingEither()
    {
        var options = new WebhookOptions { Url = "ftp://hooks.example.net/T0K3N-in-path", Secret = "too-short-secret" };

        IEnumerable<string> failures = new WebhookOptionsValidator().Validate(null, options).Failures!;

        Assert.Equal(
            [
                "CertBroker:Webhook:Url must be an absolute http or https URL; got ftp://hooks.example.net/….",
                "CertBroker:Webhook:Secret must be at least 32 characters; got 16.",
            ],
            failures);
        Assert.DoesNotContain(failures, f => f.Contains("T0K3N", StringComparison.Ordinal) || f.Contains("too-short", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UrlAndLongEnoughSecret_Succeeds()
    {
        var options = new WebhookOptions { Url = "https://hooks.example.net/certbroker", Secret = GoodSecret };

        Assert.True(new WebhookOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("https://hooks.example.net/hooks/T0K3N?key=abc", "https://hooks.example.net/…")]
    [InlineData("http://user:pass@10.0.0.5:8080/x", "http://10.0.0.5:8080/…")]
    [InlineData("not a url /T0K3N", "(not an absolute URL)")]
    [InlineData(null, "(unset)")]
    public void Redact_AnyUrl_KeepsOnlySchemeHostAndPort(string? url, string expected)
    {
        Assert.Equal(expected, WebhookUrl.Redact(url));
    }
}

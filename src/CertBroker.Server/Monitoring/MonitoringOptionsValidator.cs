using Microsoft.Extensions.Options;

namespace CertBroker.Server.Monitoring;

/// <summary>Reports every problem of <see cref="MonitoringOptions"/> at once, at start-up.</summary>
internal sealed class MonitoringOptionsValidator : IValidateOptions<MonitoringOptions>
{
    public const int MinimumTokenLength = 32;

    /// <summary>Ten thousand certificates are 30,000 series, about 5 MB a scrape: past that, read the expiry report.</summary>
    public const int MaximumCertificateSeries = 10_000;

    public ValidateOptionsResult Validate(string? name, MonitoringOptions options)
    {
        var failures = new List<string>();
        if (options.Token is { } token && token.Length < MinimumTokenLength)
        {
            failures.Add($"{MonitoringOptions.SectionName}:{nameof(MonitoringOptions.Token)} must be at least {MinimumTokenLength} characters (it is {token.Length}); it guards the inventory figures.");
        }

        if (options.CertificateSeriesWindowDays is < 0 or > 3650)
        {
            failures.Add($"{MonitoringOptions.SectionName}:{nameof(MonitoringOptions.CertificateSeriesWindowDays)} must be 0 to 3650 days, not {options.CertificateSeriesWindowDays}.");
        }

        if (options.CertificateSeriesLimit is < 0 or > MaximumCertificateSeries)
        {
            failures.Add($"{MonitoringOptions.SectionName}:{nameof(MonitoringOptions.CertificateSeriesLimit)} must be 0 to {MaximumCertificateSeries} certificates, not {options.CertificateSeriesLimit}.");
        }

        if (options.ExpiringDays is < 0 or > 3650)
        {
            failures.Add($"{MonitoringOptions.SectionName}:{nameof(MonitoringOptions.ExpiringDays)} must be 0 to 3650 days, not {options.ExpiringDays}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using Microsoft.Extensions.Options;

namespace CertBroker.Server.Endpoints;

/// <summary>Reports every problem in <see cref="ScepRateLimitOptions"/> at once, naming the key and the value.</summary>
public sealed class ScepRateLimitOptionsValidator : IValidateOptions<ScepRateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, ScepRateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxFailures is < 1 or > 100_000)
        {
            failures.Add($"{ScepRateLimitOptions.SectionName}:{nameof(options.MaxFailures)} must be between 1 and 100000; got {options.MaxFailures}.");
        }

        if (options.PeriodMinutes is < 1 or > 1440)
        {
            failures.Add($"{ScepRateLimitOptions.SectionName}:{nameof(options.PeriodMinutes)} must be between 1 and 1440; got {options.PeriodMinutes}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

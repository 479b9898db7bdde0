using Microsoft.Extensions.Options;

namespace CertBroker.Core.Challenges;

public sealed class ChallengeLockoutOptionsValidator : IValidateOptions<ChallengeLockoutOptions>
{
    public ValidateOptionsResult Validate(string? name, ChallengeLockoutOptions options)
    {
        var failures = new List<string>();
        if (options.Threshold is < 1 or > 100)
        {
            failures.Add($"{ChallengeLockoutOptions.SectionName}:{nameof(ChallengeLockoutOptions.Threshold)} must be between 1 and 100; got {options.Threshold}.");
        }

        if (options.PeriodMinutes is < 1 or > 1440)
        {
            failures.Add($"{ChallengeLockoutOptions.SectionName}:{nameof(ChallengeLockoutOptions.PeriodMinutes)} must be between 1 and 1440; got {options.PeriodMinutes}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

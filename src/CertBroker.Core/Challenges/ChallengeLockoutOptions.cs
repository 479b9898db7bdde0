using Microsoft.Extensions.Options;

namespace CertBroker.Core.Challenges;

/// <summary>
/// <c>CertBroker:ChallengeLockout</c>: failed challenge attempts are counted per source address; a source with
/// <see cref="Threshold"/> failures within <see cref="PeriodMinutes"/> is refused for <see cref="PeriodMinutes"/>
/// after its last failure, whatever password it sends.
/// </summary>
public sealed class ChallengeLockoutOptions
{
    public const string SectionName = "CertBroker:ChallengeLockout";

    /// <summary>Failures that lock a source out, 1 to 100. Default 5, as MFD lockout policies count.</summary>
    public int Threshold { get; set; } = 5;

    /// <summary>How long failures are remembered and a lockout lasts, 1 to 1440 minutes. Default 15.</summary>
    public int PeriodMinutes { get; set; } = 15;
}

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

using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>Reports every problem in <see cref="LockoutOptions"/> at once, naming the key and the offending value.</summary>
public sealed class LockoutOptionsValidator : IValidateOptions<LockoutOptions>
{
    private const string Section = LockoutOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, LockoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.Threshold is < 1 or > 10)
        {
            failures.Add($"{Section}:{nameof(options.Threshold)} is {options.Threshold}; it must be between 1 and 10.");
        }

        if (options.DurationMinutes is < 1 or > 60)
        {
            failures.Add($"{Section}:{nameof(options.DurationMinutes)} is {options.DurationMinutes}; it must be between 1 and 60.");
        }

        if (options.SlowDownThreshold < options.Threshold || options.SlowDownThreshold > 1000)
        {
            failures.Add(
                $"{Section}:{nameof(options.SlowDownThreshold)} is {options.SlowDownThreshold}; it must be between " +
                $"{nameof(options.Threshold)} ({options.Threshold}) and 1000.");
        }

        if (options.SlowDownSeconds is < 1 or > 60)
        {
            failures.Add($"{Section}:{nameof(options.SlowDownSeconds)} is {options.SlowDownSeconds}; it must be between 1 and 60.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

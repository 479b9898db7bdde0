using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>Reports every problem in <see cref="PasswordHashingOptions"/> at once, naming the key and the offending value.</summary>
public sealed class PasswordHashingOptionsValidator : IValidateOptions<PasswordHashingOptions>
{
    private const string Section = PasswordHashingOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, PasswordHashingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.Iterations is < PasswordHasher.MinimumConfiguredIterations or > PasswordHasher.MaximumIterations)
        {
            failures.Add(
                $"{Section}:{nameof(options.Iterations)} is {options.Iterations}; it must be between " +
                $"{PasswordHasher.MinimumConfiguredIterations} and {PasswordHasher.MaximumIterations} (600000 recommended).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>Reports every problem in <see cref="PasswordPolicyOptions"/> at once, naming the key and the offending value.</summary>
public sealed class PasswordPolicyOptionsValidator : IValidateOptions<PasswordPolicyOptions>
{
    private const string Section = PasswordPolicyOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, PasswordPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.MinimumLength is < 1 or > 32)
        {
            failures.Add($"{Section}:{nameof(options.MinimumLength)} is {options.MinimumLength}; it must be between 1 and 32.");
        }

        if (options.ValidityDays is < 1 or > 180)
        {
            failures.Add(
                $"{Section}:{nameof(options.ValidityDays)} is {options.ValidityDays}; it must be between 1 and 180, or unset so passwords do not expire.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>Reports every problem in <see cref="BootstrapAdminOptions"/> at once, naming the key.</summary>
/// <remarks>The password itself is never repeated in a message: start-up failures are logged.</remarks>
public sealed class BootstrapAdminOptionsValidator : IValidateOptions<BootstrapAdminOptions>
{
    private const string Section = BootstrapAdminOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, BootstrapAdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        // Usually the line break at the end of a secrets file, or stray quoting; the admin would never guess it.
        if (options.BootstrapPassword is { Length: > 0 } password
            && (char.IsWhiteSpace(password[0]) || char.IsWhiteSpace(password[^1])))
        {
            failures.Add(
                $"{Section}:{nameof(options.BootstrapPassword)} starts or ends with white space or a line break; remove it, " +
                "or check how the value is quoted.");
        }

        if (string.IsNullOrWhiteSpace(options.BootstrapPasswordFile))
        {
            failures.Add($"{Section}:{nameof(options.BootstrapPasswordFile)} must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>Reports every problem in <see cref="SignInLimitOptions"/> at once, naming the key and the offending value.</summary>
public sealed class SignInLimitOptionsValidator : IValidateOptions<SignInLimitOptions>
{
    private const string Section = SignInLimitOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SignInLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, nameof(options.ConcurrentPasswordChecks), options.ConcurrentPasswordChecks, 0, 64);
        Check(failures, nameof(options.QueuedPasswordChecksPerProcessor), options.QueuedPasswordChecksPerProcessor, 0, 100);
        Check(failures, nameof(options.BusyRetryAfterSeconds), options.BusyRetryAfterSeconds, 1, 60);
        Check(failures, nameof(options.SourceFailureLimit), options.SourceFailureLimit, 1, 1000);
        Check(failures, nameof(options.SourceFailureWindowMinutes), options.SourceFailureWindowMinutes, 1, 1440);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Section}:{key} is {value}; it must be between {min} and {max}.");
        }
    }
}

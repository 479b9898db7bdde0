using Microsoft.Extensions.Options;

namespace CertBroker.Core.Audit;

/// <summary>Reports every problem in <see cref="AuditOptions"/> at once, naming the key and the value.</summary>
public sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    /// <summary>Fewest events the trail may be set to keep: fewer would lose an afternoon of sign-in failures.</summary>
    public const int MinimumMaxRecords = 1_000;

    /// <summary>Most events the trail may be set to keep, so the table stays small enough to export in one go.</summary>
    public const int MaximumMaxRecords = 10_000_000;

    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxRecords is < MinimumMaxRecords or > MaximumMaxRecords)
        {
            failures.Add($"{AuditOptions.SectionName}:{nameof(options.MaxRecords)} must be between {MinimumMaxRecords} and {MaximumMaxRecords}; got {options.MaxRecords}.");
        }

        if (options.MaxNoiseRecords is < MinimumMaxRecords or > MaximumMaxRecords)
        {
            failures.Add($"{AuditOptions.SectionName}:{nameof(options.MaxNoiseRecords)} must be between {MinimumMaxRecords} and {MaximumMaxRecords}; got {options.MaxNoiseRecords}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

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
        if (options.MaxRecords is < MinimumMaxRecords or > MaximumMaxRecords)
        {
            return ValidateOptionsResult.Fail(
                $"{AuditOptions.SectionName}:{nameof(options.MaxRecords)} must be between {MinimumMaxRecords} and {MaximumMaxRecords}; got {options.MaxRecords}.");
        }

        return ValidateOptionsResult.Success;
    }
}

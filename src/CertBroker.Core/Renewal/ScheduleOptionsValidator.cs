using Microsoft.Extensions.Options;

namespace CertBroker.Core.Renewal;

/// <summary>Reports every schedule setting out of range at once, naming the key and the value.</summary>
public sealed class ScheduleOptionsValidator : IValidateOptions<ScheduleOptions>
{
    /// <summary>A week: beyond that a job is effectively off, which <see cref="ScheduleOptions.Enabled"/> says better.</summary>
    private const int MaxMinutes = 10_080;

    public ValidateOptionsResult Validate(string? name, ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Interval(failures, nameof(options.RenewalSweepMinutes), options.RenewalSweepMinutes);
        Interval(failures, nameof(options.ExpiryAlertMinutes), options.ExpiryAlertMinutes);
        Interval(failures, nameof(options.PendingExpiryMinutes), options.PendingExpiryMinutes);
        Interval(failures, nameof(options.CrlRefreshMinutes), options.CrlRefreshMinutes);
        Interval(failures, nameof(options.ChallengeCleanupMinutes), options.ChallengeCleanupMinutes);
        Interval(failures, nameof(options.PolicyRescanMinutes), options.PolicyRescanMinutes);
        Interval(failures, nameof(options.TransactionCleanupMinutes), options.TransactionCleanupMinutes);
        if (options.BatchSize is < 100 or > 100_000)
        {
            failures.Add($"{ScheduleOptions.SectionName}:{nameof(options.BatchSize)} must be between 100 and 100000; got {options.BatchSize}.");
        }

        if (options.OverdueAfterHours < 1)
        {
            failures.Add($"{ScheduleOptions.SectionName}:{nameof(options.OverdueAfterHours)} must be at least 1; got {options.OverdueAfterHours}.");
        }

        if (options.ExpiryAlertDays.Length == 0 || options.ExpiryAlertDays.Any(d => d is < 1 or > 3650))
        {
            failures.Add($"{ScheduleOptions.SectionName}:{nameof(options.ExpiryAlertDays)} must list days between 1 and 3650; got [{string.Join(", ", options.ExpiryAlertDays)}].");
        }

        if (options.ChallengeRetentionDays is < 0 or > 3650)
        {
            failures.Add($"{ScheduleOptions.SectionName}:{nameof(options.ChallengeRetentionDays)} must be between 0 and 3650; got {options.ChallengeRetentionDays}.");
        }

        if (options.FailedTransactionRetentionDays is < 1 or > 3650)
        {
            failures.Add($"{ScheduleOptions.SectionName}:{nameof(options.FailedTransactionRetentionDays)} must be between 1 and 3650; got {options.FailedTransactionRetentionDays}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Interval(List<string> failures, string key, int minutes)
    {
        if (minutes is < 1 or > MaxMinutes)
        {
            failures.Add($"{ScheduleOptions.SectionName}:{key} must be between 1 and {MaxMinutes} minutes; got {minutes}.");
        }
    }
}

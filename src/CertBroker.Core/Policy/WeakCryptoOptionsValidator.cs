using Microsoft.Extensions.Options;

namespace CertBroker.Core.Policy;

/// <summary>Checks <see cref="WeakCryptoOptions"/> at start-up and reports every problem at once.</summary>
public sealed class WeakCryptoOptionsValidator : IValidateOptions<WeakCryptoOptions>
{
    /// <summary>Rule ids a verdict may be set for. WC-KEY-04 is always FAIL: two devices sharing a key is never fine.</summary>
    public static IReadOnlySet<string> ConfigurableRules { get; } = new HashSet<string>(
        new WeakCryptoPolicy(new WeakCryptoOptions(), KeyBlocklist.Empty).RuleIds, StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, WeakCryptoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Prefix = WeakCryptoOptions.SectionName;
        var failures = new List<string>();
        if (options.MinimumRsaBits is < 512 or > 16384)
        {
            failures.Add($"{Prefix}:{nameof(options.MinimumRsaBits)} must be 512 to 16384, not {options.MinimumRsaBits}.");
        }

        if (options.CriticalRsaBits > options.MinimumRsaBits)
        {
            failures.Add($"{Prefix}:{nameof(options.CriticalRsaBits)} ({options.CriticalRsaBits}) must not exceed {nameof(options.MinimumRsaBits)} ({options.MinimumRsaBits}).");
        }

        if (options.RecommendedRsaBits < options.MinimumRsaBits)
        {
            failures.Add($"{Prefix}:{nameof(options.RecommendedRsaBits)} ({options.RecommendedRsaBits}) must be at least {nameof(options.MinimumRsaBits)} ({options.MinimumRsaBits}).");
        }

        if (options.FermatRounds is < 0 or > 100_000)
        {
            failures.Add($"{Prefix}:{nameof(options.FermatRounds)} must be 0 to 100000, not {options.FermatRounds}.");
        }

        if (options.SharedPrimeScanLimit < 0)
        {
            failures.Add($"{Prefix}:{nameof(options.SharedPrimeScanLimit)} must not be negative, not {options.SharedPrimeScanLimit}.");
        }

        if (options.RescanBatchSize is < 1 or > 10_000)
        {
            failures.Add($"{Prefix}:{nameof(options.RescanBatchSize)} must be 1 to 10000, not {options.RescanBatchSize}.");
        }

        foreach (string rule in options.Verdicts.Keys.Where(r => !ConfigurableRules.Contains(r)))
        {
            failures.Add($"{Prefix}:{nameof(options.Verdicts)}:{rule} is not a rule whose verdict can be set ({string.Join(", ", ConfigurableRules)}).");
        }

        if (!string.IsNullOrWhiteSpace(options.BlocklistFile) && !File.Exists(options.BlocklistFile))
        {
            failures.Add($"{Prefix}:{nameof(options.BlocklistFile)} '{options.BlocklistFile}' does not exist.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

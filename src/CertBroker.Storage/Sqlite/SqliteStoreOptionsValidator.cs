using Microsoft.Extensions.Options;

namespace CertBroker.Storage.Sqlite;

/// <summary>Reports every problem with <see cref="SqliteStoreOptions"/> at once, so start-up fails with the full list.</summary>
public sealed class SqliteStoreOptionsValidator : IValidateOptions<SqliteStoreOptions>
{
    private static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromMilliseconds(int.MaxValue);
    private static readonly TimeSpan MaxCommitDelay = TimeSpan.FromSeconds(1);

    public ValidateOptionsResult Validate(string? name, SqliteStoreOptions options)
    {
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options are unusable; used by constructors so direct construction is as safe as DI.</summary>
    /// <exception cref="OptionsValidationException">Lists every problem found.</exception>
    internal static void ThrowIfInvalid(SqliteStoreOptions options)
    {
        var failures = Check(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SqliteStoreOptions), failures);
        }
    }

    private static List<string> Check(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var section = SqliteStoreOptions.SectionName;

        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            failures.Add($"{section}:{nameof(SqliteStoreOptions.DatabasePath)} is required: the path of the SQLite database file.");
        }
        else if (options.DatabasePath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{section}:{nameof(SqliteStoreOptions.DatabasePath)} '{options.DatabasePath}' contains characters not allowed in a path.");
        }
        else if (options.DatabasePath.StartsWith(':') || options.DatabasePath.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{section}:{nameof(SqliteStoreOptions.DatabasePath)} '{options.DatabasePath}' must be a file path, not an in-memory name or URI.");
        }

        if (options.BusyTimeout < TimeSpan.Zero || options.BusyTimeout > MaxBusyTimeout)
        {
            failures.Add($"{section}:{nameof(SqliteStoreOptions.BusyTimeout)} '{options.BusyTimeout}' must be between 00:00:00 and {MaxBusyTimeout}.");
        }

        if (!Enum.IsDefined(options.Synchronous))
        {
            failures.Add($"{section}:{nameof(SqliteStoreOptions.Synchronous)} '{options.Synchronous}' must be {SqliteSynchronousMode.Normal} or {SqliteSynchronousMode.Full}.");
        }

        if (options.CommitDelay < TimeSpan.Zero || options.CommitDelay > MaxCommitDelay)
        {
            failures.Add($"{section}:{nameof(SqliteStoreOptions.CommitDelay)} '{options.CommitDelay}' must be between 00:00:00 and {MaxCommitDelay}.");
        }

        return failures;
    }
}

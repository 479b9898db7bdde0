using Microsoft.Extensions.Options;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>Reports every problem with <see cref="PostgresStoreOptions"/> at once, so start-up fails with the full list.</summary>
public sealed class PostgresStoreOptionsValidator : IValidateOptions<PostgresStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresStoreOptions options)
    {
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static void ThrowIfInvalid(PostgresStoreOptions options)
    {
        var failures = Check(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(PostgresStoreOptions), failures);
        }
    }

    private static List<string> Check(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var section = PostgresStoreOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{section}:{nameof(PostgresStoreOptions.ConnectionString)} is required with Provider=Postgres.");
        }
        else
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (string.IsNullOrWhiteSpace(builder.Host))
                {
                    failures.Add($"{section}:{nameof(PostgresStoreOptions.ConnectionString)} names no Host.");
                }
            }
            catch (ArgumentException e)
            {
                // The message may quote the string, which may hold a password: say only what is wrong with it.
                failures.Add($"{section}:{nameof(PostgresStoreOptions.ConnectionString)} is not a valid connection string ({e.GetType().Name}).");
            }
        }

        if (options.MaxRetries is < 0 or > 100)
        {
            failures.Add($"{section}:{nameof(PostgresStoreOptions.MaxRetries)} must be between 0 and 100.");
        }

        return failures;
    }
}

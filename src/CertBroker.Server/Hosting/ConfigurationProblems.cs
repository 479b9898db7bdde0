using Microsoft.Extensions.Options;

namespace CertBroker.Server.Hosting;

/// <summary>
/// Configuration mistakes end the process with one plain line each on stderr and exit code 1: the validators
/// already say which key is wrong and why, and a stack trace would only hide that.
/// </summary>
internal static class ConfigurationProblems
{
    /// <summary>Runs every <c>ValidateOnStart</c> validator now, collecting all their failures.</summary>
    public static IReadOnlyList<string> Find(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (Exception ex) when (From(ex) is { Count: > 0 } problems)
        {
            return problems;
        }
    }

    /// <summary>
    /// The operator's problems an exception carries (options, key material files, a database from a newer
    /// version); empty when it is a fault of the broker's, which keeps its stack trace.
    /// </summary>
    public static IReadOnlyList<string> From(Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        Issuers.Embedded.KeyMaterialException or Storage.Migrations.SchemaTooNewException or CaMismatchException => [exception.Message],
        AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException) =>
            [.. aggregate.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => [],
    };

    /// <summary>
    /// Logs each problem as one Fatal line without a stack trace (the console and the file log both get it), or
    /// writes it to stderr when the logger itself could not be made.
    /// </summary>
    /// <returns>The exit code, 1.</returns>
    public static int Report(Serilog.ILogger? logger, IEnumerable<string> problems)
    {
        foreach (string problem in problems.Distinct(StringComparer.Ordinal))
        {
            if (logger is null)
            {
                Console.Error.WriteLine($"CertBroker cannot start: {problem}");
            }
            else
            {
                logger.Fatal("CertBroker cannot start: {Problem}", problem);
            }
        }

        return 1;
    }
}

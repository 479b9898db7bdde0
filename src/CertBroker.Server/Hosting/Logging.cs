using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Json;
using Serilog.Sinks.SystemConsole.Themes;

namespace CertBroker.Server.Hosting;

/// <summary>
/// Serilog set-up: readable text on the console by default (JSON or nothing as options), and JSON lines in a
/// rolling file under the data directory, in a folder only the service account can read (<see cref="OwnerOnlyLogFiles"/>).
/// </summary>
internal static class Logging
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} <{SourceContext}>{NewLine}{Exception}";

    private const long FileSizeLimit = 100 * 1024 * 1024;

    private const int RetainedFiles = 31;

    /// <exception cref="InvalidOperationException"><c>CertBroker:Logging</c> does not bind (an unknown format name).</exception>
    public static Serilog.ILogger Create(IConfiguration configuration, string dataDirectory)
    {
        LoggingOptions options = configuration.GetSection(LoggingOptions.SectionName).Get<LoggingOptions>() ?? new LoggingOptions();
        LoggerConfiguration logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            // Quartz narrates its start-up and every firing at Information; the jobs log what they changed themselves.
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            // IHttpClientFactory logs every request's full URL at Information; a webhook URL may carry a secret.
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .Enrich.With<RequestPathLimit>();

        ITextFormatter json = new JsonFormatter(renderMessage: true);
        switch (options.ConsoleFormat)
        {
            case ConsoleLogFormat.Json:
                // Both sinks write the same line: format it once.
                json = new FormatOnce(json);
                logger = logger.WriteTo.Console(json);
                break;
            case ConsoleLogFormat.Text:
                // Colour only on a terminal: a journal or a pipe gets plain text without escape sequences.
                logger = logger.WriteTo.Console(
                    outputTemplate: TextTemplate,
                    theme: Console.IsOutputRedirected ? ConsoleTheme.None : AnsiConsoleTheme.Code,
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                break;
        }

        string logDirectory = Path.Combine(dataDirectory, "logs");
        OwnerOnlyLogFiles.Prepare(logDirectory);
        return logger.WriteTo.File(
                json,
                Path.Combine(logDirectory, "certbroker-.json"),
                rollingInterval: RollingInterval.Day,
                fileSizeLimitBytes: FileSizeLimit,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: RetainedFiles,
                hooks: new OwnerOnlyLogFiles())
            .CreateLogger();
    }
}

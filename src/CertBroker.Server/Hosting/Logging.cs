using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace CertBroker.Server.Hosting;

/// <summary>Serilog set-up: structured JSON to the console and to a rolling file under the data directory.</summary>
internal static class Logging
{
    public static Serilog.ILogger Create(IConfiguration configuration, string dataDirectory)
    {
        var formatter = new FormatOnce(new JsonFormatter(renderMessage: true));
        return new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            // Quartz narrates its start-up and every firing at Information; the jobs log what they changed themselves.
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatter)
            .WriteTo.File(
                formatter,
                Path.Combine(dataDirectory, "logs", "certbroker-.json"),
                rollingInterval: RollingInterval.Day,
                fileSizeLimitBytes: 100 * 1024 * 1024,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: 31)
            .CreateLogger();
    }
}

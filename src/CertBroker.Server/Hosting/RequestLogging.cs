using Serilog.AspNetCore;
using Serilog.Events;

namespace CertBroker.Server.Hosting;

/// <summary>
/// Serilog.AspNetCore's one line per HTTP request, for the admin API and pages. SCEP requests are left out: the
/// SCEP handler logs each with its transaction, status and reason (event 100).
/// </summary>
internal static class RequestLogging
{
    /// <param name="options">Serilog.AspNetCore's options.</param>
    /// <param name="logger">The broker's logger: the middleware would otherwise write to Serilog's static logger, which is silent.</param>
    public static void Configure(RequestLoggingOptions options, Serilog.ILogger logger)
    {
        options.Logger = logger;
        options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} answered {StatusCode} in {Elapsed:0.00} ms";
        options.GetLevel = (http, _, exception) =>
            // Balancers poll every node every few seconds; a 503 there is logged once, with its reason, by Readiness.
            exception is null && Monitoring.HealthEndpoints.IsHealthPath(http.Request.Path) ? LogEventLevel.Debug
            : exception is not null || http.Response.StatusCode >= StatusCodes.Status500InternalServerError ? LogEventLevel.Error
            // Scrapes and CRL fetches come every few seconds from machines; they are counted, not narrated.
            : http.Request.Path.StartsWithSegments("/metrics") || http.Request.Path.StartsWithSegments(Endpoints.ScepEndpoints.CrlPath) ? LogEventLevel.Debug
            // The SCEP handler has written this request's line itself.
            : Endpoints.DeviceEndpointMetadata.IsDeviceRequest(http) ? LogEventLevel.Verbose
            : LogEventLevel.Information;
    }
}

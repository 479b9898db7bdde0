using System.Text;
using CertBroker.Core.Accounts;
using CertBroker.Server.Admin;

namespace CertBroker.Server.Monitoring;

/// <summary>
/// <c>GET /metrics</c>: the Prometheus text exposition format, readable with <see cref="Permission.ReadMetrics"/>
/// (the Monitoring role, an Administrator, or the <c>CertBroker:Monitoring:Token</c>). It needs credentials, so it
/// belongs to the admin surface and answers on the admin listener when one is configured.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, WriteAsync)
            .WithName("GetMetrics")
            .WithSummary("Prometheus metrics: SCEP requests, inventory counts, per-certificate expiry inside the series window, CA and CRL dates.")
            .Produces(StatusCodes.Status200OK, contentType: "text/plain")
            .RequirePermission(Permission.ReadMetrics);
        return app;
    }

    private static async Task WriteAsync(HttpContext http, MetricsRegistry registry)
    {
        http.Response.ContentType = PrometheusTextWriter.ContentType;
        await using var output = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024);
        await registry.WriteAsync(new PrometheusTextWriter(output), http.RequestAborted).ConfigureAwait(false);
    }
}

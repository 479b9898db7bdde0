using CertBroker.Server.Endpoints;

namespace CertBroker.Server.Monitoring;

/// <summary>
/// <c>GET /health/live</c> (the process answers HTTP) and <c>GET /health/ready</c> (see <see cref="Readiness"/>) for
/// load balancers and orchestrators. Anonymous, on every listener, with a fixed short text body: the reason a node is
/// not ready goes to its log, never to the caller.
/// </summary>
internal static class HealthEndpoints
{
    public const string Prefix = "/health";

    public const string LivePath = Prefix + "/live";

    public const string ReadyPath = Prefix + "/ready";

    /// <summary>Whether the path is a health endpoint, which answers on the admin listener as well as on the main one.</summary>
    public static bool IsHealthPath(PathString path) => path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet(LivePath, (HttpContext http) => WriteAsync(http, StatusCodes.Status200OK, "live\n"))
            .WithMetadata(DeviceEndpointMetadata.Instance)
            .ExcludeFromDescription();
        app.MapGet(ReadyPath, async (HttpContext http, Readiness readiness) =>
        {
            bool ready = await readiness.IsReadyAsync(http.RequestAborted).ConfigureAwait(false);
            await WriteAsync(http, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, ready ? "ready\n" : "not ready\n")
                .ConfigureAwait(false);
        })
            .WithMetadata(DeviceEndpointMetadata.Instance)
            .ExcludeFromDescription();
        return app;
    }

    private static Task WriteAsync(HttpContext http, int status, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        // A balancer must see the node's state now, not a cache's.
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync(text, http.RequestAborted);
    }
}

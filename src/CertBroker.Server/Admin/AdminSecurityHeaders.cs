namespace CertBroker.Server.Admin;

/// <summary>
/// Anti-framing and anti-sniffing headers on every response of the admin surface (<see cref="AdminApi.IsAdminPath"/>:
/// the API, its OpenAPI document, <c>/certsrv/mscep_admin/</c> and <c>/metrics</c>), errors included:
/// <c>X-Frame-Options: DENY</c>, <c>Content-Security-Policy: default-src 'none'; frame-ancestors 'none'</c>,
/// <c>X-Content-Type-Options: nosniff</c>, and <c>Cache-Control: no-store</c> unless the endpoint chose otherwise.
/// </summary>
/// <remarks>
/// Device endpoints are left alone: SCEP clients ignore these headers, and the hot path pays only the path test
/// the authentication handler makes anyway. The headers are added when the response starts rather than now, so the
/// exception handler, which clears headers before writing its problem, cannot remove them.
/// </remarks>
internal static class AdminSecurityHeaders
{
    // The admin surface loads nothing (the page has no script, style or image), so nothing needs allowing.
    public const string ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseAdminSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            if (AdminApi.IsAdminPath(context.Request.Path))
            {
                context.Response.OnStarting(Add, context.Response);
            }

            return next(context);
        });

    private static Task Add(object state)
    {
        var response = (HttpResponse)state;
        IHeaderDictionary headers = response.Headers;
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";

        // Answers carry token secrets, one-time passwords and audit records: no cache on the way may keep them.
        if (string.IsNullOrEmpty(headers.CacheControl))
        {
            headers.CacheControl = "no-store";
        }

        return Task.CompletedTask;
    }
}

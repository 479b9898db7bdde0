using CertBroker.Server.Admin;

namespace CertBroker.Server.Hosting;

/// <summary>
/// The optional separate listener of the admin surface, <c>CertBroker:Admin:Urls</c> (one or more URLs separated by
/// ';', as for <c>--urls</c>). When set, Kestrel listens on the main URLs and on these; requests are told apart by the
/// local port they arrived on (never by the Host header, which the client chooses): the admin API, its OpenAPI
/// document and <c>/certsrv/mscep_admin/</c> answer only on the admin ports, everything else (SCEP, the CRL) only on
/// the others. Unset (the default), everything shares the main listener.
/// </summary>
internal static class AdminListener
{
    public const string UrlsKey = "CertBroker:Admin:Urls";

    /// <summary>Kestrel's own default when no URL is configured.</summary>
    private const string DefaultMainUrl = "http://localhost:5000";

    /// <summary>
    /// Adds the admin URLs to the ones Kestrel listens on and returns the admin ports, or null when no admin URL is
    /// configured.
    /// </summary>
    /// <exception cref="InvalidOperationException">An admin URL is malformed, has no port, or shares a port with a main URL.</exception>
    public static IReadOnlySet<int>? Configure(WebApplicationBuilder builder)
    {
        string? configured = builder.Configuration[UrlsKey];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        string[] adminUrls = Split(configured);
        string[] mainUrls = Split(builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? DefaultMainUrl);
        var adminPorts = new HashSet<int>();
        foreach (string url in adminUrls)
        {
            int port = Port(url, UrlsKey);
            if (port == 0)
            {
                throw new InvalidOperationException($"{UrlsKey}: '{url}' needs a fixed port; requests are told apart by the port they arrive on.");
            }

            adminPorts.Add(port);
        }

        foreach (string url in mainUrls)
        {
            if (adminPorts.Contains(Port(url, WebHostDefaults.ServerUrlsKey)))
            {
                throw new InvalidOperationException(
                    $"{UrlsKey} and the main URLs ('{url}') share a port; give the admin listener a port of its own.");
            }
        }

        builder.WebHost.UseUrls([.. mainUrls, .. adminUrls]);
        return adminPorts;
    }

    /// <summary>
    /// Answers 404 to admin paths on the main ports and to everything else on the admin ports, except the health
    /// endpoints, which answer on both so a balancer can check whichever listener it forwards to.
    /// </summary>
    public static IApplicationBuilder UseAdminListener(this IApplicationBuilder app, IReadOnlySet<int> adminPorts) =>
        app.Use(next => context =>
        {
            if (!Monitoring.HealthEndpoints.IsHealthPath(context.Request.Path)
                && adminPorts.Contains(context.Connection.LocalPort) != AdminApi.IsAdminPath(context.Request.Path))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });

    private static string[] Split(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Port(string url, string key)
    {
        try
        {
            return BindingAddress.Parse(url).Port;
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{key}: '{url}' is not a URL Kestrel can listen on: {ex.Message}", ex);
        }
    }
}

using CertBroker.Server.Monitoring;

namespace CertBroker.Server.Admin;

/// <summary>
/// The JSON admin API under <c>/api/v1</c>. Every route needs an authenticated caller; each endpoint adds the
/// <see cref="CertBroker.Core.Accounts.Permission"/> it needs with <see cref="AdminPolicies.RequirePermission{TBuilder}"/>.
/// Errors are RFC 9457 problem details.
/// </summary>
internal static class AdminApi
{
    public const string Prefix = "/api/v1";

    /// <summary>The NDES-compatible page that hands out one-time passwords; part of the admin surface.</summary>
    public const string NdesAdminPath = "/certsrv/mscep_admin";

    /// <summary>
    /// <c>/metrics</c> needs credentials like the API, so it is admin surface: on the admin listener when one is
    /// configured (point Prometheus at that port).
    /// </summary>
    private static readonly PathString[] AdminPaths = [Prefix, NdesAdminPath, MetricsEndpoint.Path];

    /// <summary>Whether <paramref name="path"/> belongs to the admin surface rather than to SCEP.</summary>
    public static bool IsAdminPath(PathString path) =>
        Array.Exists(AdminPaths, prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup(Prefix).RequireAuthorization();

        // Each feature maps its routes onto the group here.
        api.MapMeEndpoints();
        api.MapTokenEndpoints();
        api.MapAccountEndpoints();
        api.MapAuditEndpoints();
        api.MapRequestEndpoints();
        api.MapDeviceEndpoints();
        api.MapCertificateEndpoints();
        api.MapCertificateImportEndpoints();
        api.MapChallengeEndpoints();
        api.MapReportEndpoints();
        app.MapNdesAdminPage();
        app.MapMetrics();
        return api;
    }
}

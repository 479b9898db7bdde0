using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CertBroker.Core.Accounts;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CertBroker.Server.Tests.Admin;

/// <summary>
/// Every admin route of the running service, found through its endpoint data source (so routes added later are
/// covered without touching this test): anonymous callers get 401, callers whose role lacks the route's permission
/// get 403, and callers whose role holds it get past authorization.
/// </summary>
public sealed class RouteAuthorizationTests(BrokerFactory factory, ITestOutputHelper output) : IClassFixture<BrokerFactory>
{
    private const string PolicyPrefix = "permission:";

    /// <summary>The only admin routes open to anonymous callers.</summary>
    private static readonly string[] AnonymousRoutes = ["GET /api/v1/openapi.json"];

    /// <summary>Routes open to every authenticated caller, whatever its role: who am I, and changing one's own password.</summary>
    private static readonly string[] AnyRoleRoutes = ["GET /api/v1/me", "POST /api/v1/me/password"];

    [Fact]
    public async Task EveryAdminRoute_RefusesAnonymousAndWrongRoles_AdmitsRightRoles()
    {
        using HttpClient client = factory.CreateClient();
        List<AdminRoute> routes = AdminRoutes();
        Assert.Contains(routes, r => r.Name == "POST /api/v1/tokens");
        Assert.Contains(routes, r => r.Name == "GET /metrics");
        Assert.Contains(routes, r => r.Name == "GET /api/v1/reports/expiry");
        Dictionary<Role, AuthenticationHeaderValue> tokens = [];
        foreach (Role role in Enum.GetValues<Role>())
        {
            tokens[role] = AdminHttp.Bearer(await AdminHttp.CreateTokenAsync(factory.Services, role, $"route-test-{role}"));
        }

        var failures = new List<string>();
        foreach (AdminRoute route in routes)
        {
            output.WriteLine($"{route.Name} -> {route.Permission?.ToString() ?? (route.Anonymous ? "anonymous" : "any role")}");
            if (route.Anonymous)
            {
                Check(failures, route, "anonymous", await SendAsync(client, route, null), status => status is not (401 or 403));
                continue;
            }

            Check(failures, route, "anonymous", await SendAsync(client, route, null), status => status == 401);
            if (route.Permission is not { } permission)
            {
                if (!AnyRoleRoutes.Contains(route.Name))
                {
                    failures.Add($"{route.Name}: requires no permission; add .RequirePermission(...) or list it as open to any role.");
                }

                continue;
            }

            foreach ((Role role, AuthenticationHeaderValue token) in tokens)
            {
                int expected = role.Allows(permission) ? 0 : 403;
                Check(failures, route, role.ToString(), await SendAsync(client, route, token), status => expected == 403 ? status == 403 : status is not (401 or 403));
            }
        }

        Assert.Equal(AnonymousRoutes.Order(), routes.Where(r => r.Anonymous).Select(r => r.Name).Order());
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static void Check(List<string> failures, AdminRoute route, string caller, HttpResponseMessage response, Func<int, bool> acceptable)
    {
        if (!acceptable((int)response.StatusCode))
        {
            failures.Add($"{route.Name} as {caller}: HTTP {(int)response.StatusCode}");
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, AdminRoute route, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.SamplePath);
        request.Headers.Authorization = authorization;
        if (route.Method is "POST" or "PUT" or "PATCH")
        {
            // An empty object: enough to reach authorization, never a valid change.
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    private List<AdminRoute> AdminRoutes()
    {
        var routes = new List<AdminRoute>();
        foreach (RouteEndpoint endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            string pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (!pattern.StartsWith("/api/v1", StringComparison.OrdinalIgnoreCase)
                && !pattern.StartsWith("/certsrv/mscep_admin", StringComparison.OrdinalIgnoreCase)
                && !pattern.Equals("/metrics", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            IReadOnlyList<string> methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            Permission? permission = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()
                .Where(data => data.Policy?.StartsWith(PolicyPrefix, StringComparison.Ordinal) == true)
                .Select(data => Enum.Parse<Permission>(data.Policy![PolicyPrefix.Length..]))
                .Cast<Permission?>()
                .LastOrDefault();
            bool anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
                || endpoint.Metadata.GetMetadata<IAuthorizeData>() is null;
            foreach (string method in methods)
            {
                routes.Add(new AdminRoute(method, pattern, SamplePath(endpoint.RoutePattern), permission, anonymous));
            }
        }

        return routes;
    }

    /// <summary>The route with each parameter filled in with a value that names nothing that exists.</summary>
    private static string SamplePath(RoutePattern pattern)
    {
        var path = new StringBuilder();
        foreach (RoutePatternPathSegment segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (RoutePatternPart part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => SampleValue(parameter),
                    _ => "",
                });
            }
        }

        return path.ToString();
    }

    private static string SampleValue(RoutePatternParameterPart parameter)
    {
        string[] policies = [.. parameter.ParameterPolicies.Select(p => p.Content ?? "")];
        if (policies.Any(p => p is "int" or "long" || p.StartsWith("min", StringComparison.Ordinal) || p.StartsWith("range", StringComparison.Ordinal)))
        {
            return "987654";
        }

        return policies.Contains("guid") ? Guid.Empty.ToString() : "no-such-item";
    }

    private sealed record AdminRoute(string Method, string Pattern, string SamplePath, Permission? Permission, bool Anonymous)
    {
        public string Name => $"{Method} {Pattern.TrimEnd('/')}";
    }
}

using System.Text.Json.Nodes;
using CertBroker.Core.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CertBroker.Server.Admin;

/// <summary>
/// The OpenAPI 3.1 document of the admin API at <c>GET /api/v1/openapi.json</c>, generated from the endpoints
/// themselves. Each operation names the permission it needs (<c>x-required-permission</c> and its description), the
/// two ways to authenticate, and its 401/403 problem answers. Served without authentication: it describes the API,
/// not the data, and tools fetch it before they hold credentials; a separate admin listener keeps it off the SCEP port.
/// </summary>
internal static class AdminOpenApi
{
    public const string DocumentPath = AdminApi.Prefix + "/openapi.json";

    private const string BasicScheme = "basic";
    private const string BearerScheme = "bearer";
    private const string ProblemContentType = "application/problem+json";

    public static IServiceCollection AddAdminOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.ShouldInclude = description =>
                description.RelativePath?.StartsWith(AdminApi.Prefix.TrimStart('/'), StringComparison.OrdinalIgnoreCase) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "CertBroker admin API",
                    Version = "v1",
                    Description = "Accounts sign in with HTTP Basic; automation uses API tokens as 'Authorization: Bearer <token>'. "
                        + "Errors are RFC 9457 problem details.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BasicScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "basic",
                    Description = "An admin account's user name and password.",
                };
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API token (cbt_…), created with POST /api/v1/tokens.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                IList<object> metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAllowAnonymous>().Any())
                {
                    return Task.CompletedTask;
                }

                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BasicScheme, context.Document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
                ];
                operation.Responses ??= new OpenApiResponses();
                operation.Responses["401"] = Problem("No credentials, or they were not accepted.");
                if (RequiredPermission(metadata) is { } permission)
                {
                    operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                    operation.Extensions["x-required-permission"] = new JsonNodeExtension(JsonValue.Create(permission.ToString()));
                    string roles = string.Join(", ", Enum.GetValues<Role>().Where(r => r.Allows(permission)));
                    operation.Description = $"Requires the permission {permission} (roles: {roles}).";
                    operation.Responses["403"] = Problem("The caller's role lacks the permission, or its password must be changed first.");
                }
                else
                {
                    operation.Description = "Open to every authenticated caller.";
                }

                return Task.CompletedTask;
            });
        });

    public static IEndpointConventionBuilder MapAdminOpenApi(this IEndpointRouteBuilder app) =>
        app.MapOpenApi(DocumentPath).AllowAnonymous();

    /// <summary>The permission an endpoint's authorization policies ask for, if any (<see cref="AdminPolicies.For"/>).</summary>
    public static Permission? RequiredPermission(IEnumerable<object> metadata) =>
        metadata.OfType<IAuthorizeData>()
            .Select(data => Enum.GetValues<Permission>().Cast<Permission?>().FirstOrDefault(p => AdminPolicies.For(p!.Value) == data.Policy))
            .LastOrDefault(p => p is not null);

    private static OpenApiResponse Problem(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { [ProblemContentType] = new OpenApiMediaType() },
    };
}

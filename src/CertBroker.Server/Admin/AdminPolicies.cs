using CertBroker.Core.Accounts;
using Microsoft.AspNetCore.Authorization;

namespace CertBroker.Server.Admin;

/// <summary>
/// One authorization policy per <see cref="Permission"/>, satisfied by a caller whose role holds it
/// (<see cref="RolePermissions"/>) and who has no password change pending. Endpoints name the permission they need:
/// <c>.RequireAuthorization(AdminPolicies.For(Permission.X))</c>. Every policy authenticates with
/// <see cref="AdminAuthenticationHandler"/>, so only endpoints that ask for a policy pay for authentication.
/// </summary>
internal static class AdminPolicies
{
    public static string For(Permission permission) => "permission:" + permission;

    public static IServiceCollection AddAdminPolicies(this IServiceCollection services)
    {
        services.AddAuthorization(options =>
        {
            // What RequireAuthorization() without a policy asks for: any authenticated admin caller.
            options.DefaultPolicy = new AuthorizationPolicyBuilder(AdminAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .Build();
            foreach (Permission permission in Enum.GetValues<Permission>())
            {
                options.AddPolicy(For(permission), policy => policy
                    .AddAuthenticationSchemes(AdminAuthenticationHandler.SchemeName)
                    .RequireAuthenticatedUser()
                    .RequireAssertion(context => !context.User.PasswordChangeRequired()
                        && context.User.FindAll(System.Security.Claims.ClaimTypes.Role)
                            .Any(claim => Enum.TryParse(claim.Value, out Role role) && role.Allows(permission))));
            }
        });
        return services;
    }

    /// <summary>Shorthand for <c>RequireAuthorization(For(permission))</c>.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(For(permission));
}

using CertBroker.Core.Accounts;

namespace CertBroker.Server.Admin;

/// <summary>
/// One authorization policy per <see cref="Permission"/>, satisfied by a caller whose role holds it
/// (<see cref="RolePermissions"/>). Endpoints name the permission they need: <c>.RequireAuthorization(AdminPolicies.For(Permission.X))</c>.
/// </summary>
internal static class AdminPolicies
{
    public static string For(Permission permission) => "permission:" + permission;

    public static IServiceCollection AddAdminPolicies(this IServiceCollection services)
    {
        services.AddAuthorization(options =>
        {
            foreach (Permission permission in Enum.GetValues<Permission>())
            {
                options.AddPolicy(For(permission), policy => policy
                    .RequireAuthenticatedUser()
                    .RequireAssertion(context => context.User.FindAll(System.Security.Claims.ClaimTypes.Role)
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

using System.Collections.Frozen;

namespace CertBroker.Core.Accounts;

/// <summary>The one table that says which <see cref="Permission"/>s each <see cref="Role"/> holds.</summary>
public static class RolePermissions
{
    private static readonly Permission[] Reading =
    [
        Permission.ReadInventory,
        Permission.ReadSettings,
        Permission.ReadAudit,
        Permission.ReadReports,
        Permission.ReadMetrics,
    ];

    private static readonly FrozenDictionary<Role, FrozenSet<Permission>> Table = new Dictionary<Role, FrozenSet<Permission>>
    {
        // Every permission, including ones added later, so no feature is ever out of the Administrator's reach.
        [Role.Administrator] = Enum.GetValues<Permission>().ToFrozenSet(),
        [Role.SecurityAdministrator] = Reading.Append(Permission.ManagePolicy).Append(Permission.ManageProfiles).ToFrozenSet(),
        [Role.Auditor] = Reading.ToFrozenSet(),
        [Role.Monitoring] = new[] { Permission.ReadReports, Permission.ReadMetrics }.ToFrozenSet(),
    }.ToFrozenDictionary();

    /// <summary>The permissions of <paramref name="role"/>; none for a value that is not a defined role.</summary>
    public static IReadOnlySet<Permission> For(Role role) =>
        Table.TryGetValue(role, out FrozenSet<Permission>? permissions) ? permissions : FrozenSet<Permission>.Empty;

    public static bool Allows(this Role role, Permission permission) => For(role).Contains(permission);
}

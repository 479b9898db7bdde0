using CertBroker.Core.Accounts;

namespace CertBroker.Core.Tests.Accounts;

public sealed class RolePermissionsTests
{
    [Fact]
    public void For_Administrator_GrantsEveryPermission()
    {
        Assert.Equal(Enum.GetValues<Permission>().ToHashSet(), RolePermissions.For(Role.Administrator));
    }

    [Fact]
    public void For_SecurityAdministrator_ManagesPolicyAndProfilesAndReadsEverything()
    {
        Assert.Equal(
            new HashSet<Permission>
            {
                Permission.ManagePolicy, Permission.ManageProfiles, Permission.ReadInventory, Permission.ReadSettings,
                Permission.ReadAudit, Permission.ReadReports, Permission.ReadMetrics,
            },
            RolePermissions.For(Role.SecurityAdministrator));
    }

    [Theory]
    [InlineData(Permission.ManageAccounts)]
    [InlineData(Permission.ManageTokens)]
    [InlineData(Permission.ManageRequests)]
    [InlineData(Permission.IssueChallenges)]
    [InlineData(Permission.RevokeCertificates)]
    public void Allows_SecurityAdministratorOutsidePolicyAndProfiles_IsDenied(Permission permission)
    {
        Assert.False(Role.SecurityAdministrator.Allows(permission));
    }

    [Fact]
    public void For_Auditor_ReadsEverythingIncludingAuditAndChangesNothing()
    {
        IReadOnlySet<Permission> permissions = RolePermissions.For(Role.Auditor);

        Assert.Contains(Permission.ReadAudit, permissions);
        Assert.Contains(Permission.ReadInventory, permissions);
        Assert.All(permissions, p => Assert.StartsWith("Read", p.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void For_Monitoring_ReadsOnlyReportsAndMetrics()
    {
        Assert.Equal(new HashSet<Permission> { Permission.ReadReports, Permission.ReadMetrics }, RolePermissions.For(Role.Monitoring));
        Assert.False(Role.Monitoring.Allows(Permission.ReadAudit));
        Assert.False(Role.Monitoring.Allows(Permission.ReadInventory));
    }

    [Fact]
    public void For_EveryDefinedRole_HasPermissions()
    {
        Assert.All(Enum.GetValues<Role>(), role => Assert.NotEmpty(RolePermissions.For(role)));
    }

    [Fact]
    public void For_UndefinedRoleValue_GrantsNothing()
    {
        Assert.Empty(RolePermissions.For((Role)99));
        Assert.False(((Role)0).Allows(Permission.ReadReports));
    }
}

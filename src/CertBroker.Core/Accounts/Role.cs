namespace CertBroker.Core.Accounts;

/// <summary>
/// What an account or API token may do, after the roles MFD security policies define. The permissions of each role
/// are listed in one place, <see cref="RolePermissions"/>.
/// </summary>
public enum Role
{
    /// <summary>Everything, including accounts and API tokens.</summary>
    Administrator = 1,

    /// <summary>Policy and profile settings, and reading everything.</summary>
    SecurityAdministrator = 2,

    /// <summary>Reading everything, including the audit trail; changes nothing.</summary>
    Auditor = 3,

    /// <summary>Reports and metrics only, for monitoring systems.</summary>
    Monitoring = 4,
}

namespace CertBroker.Core.Accounts;

/// <summary>One thing the admin API lets a caller do. Roles map to sets of these in <see cref="RolePermissions"/>.</summary>
public enum Permission
{
    /// <summary>List and view issued certificates and transactions.</summary>
    ReadInventory = 1,

    /// <summary>View profiles, policy and other settings.</summary>
    ReadSettings,

    /// <summary>View the audit trail.</summary>
    ReadAudit,

    /// <summary>View reports.</summary>
    ReadReports,

    /// <summary>Read operational metrics.</summary>
    ReadMetrics,

    /// <summary>Approve or reject pending enrolment requests.</summary>
    ManageRequests,

    /// <summary>Hand out enrolment challenge passwords.</summary>
    IssueChallenges,

    /// <summary>Revoke issued certificates.</summary>
    RevokeCertificates,

    /// <summary>Create, change and delete enrolment profiles.</summary>
    ManageProfiles,

    /// <summary>Change security policy: password policy, lockout, weak-crypto rules.</summary>
    ManagePolicy,

    /// <summary>Create, change, unlock and delete admin accounts.</summary>
    ManageAccounts,

    /// <summary>Create and revoke API tokens.</summary>
    ManageTokens,

    /// <summary>Add, edit, import and delete inventory devices (their metadata, not their certificates).</summary>
    ManageInventory,
}

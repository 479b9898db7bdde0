namespace CertBroker.Core.Audit;

/// <summary>
/// The names of audited actions. Dotted, lower case, grouped by object; SIEM rules and the CSV export match on
/// them, so a name never changes once released.
/// </summary>
public static class AuditActions
{
    // Admin sign-in and accounts.
    public const string Login = "auth.login";
    public const string LoginFailed = "auth.login-failed";
    public const string AccountLockedOut = "auth.locked-out";
    public const string AccountCreated = "account.created";
    public const string AccountChanged = "account.changed";
    public const string AccountDeleted = "account.deleted";
    public const string PasswordChanged = "account.password-changed";
    public const string AccountUnlocked = "account.unlocked";
    public const string BootstrapAdminCreated = "account.bootstrap";
    public const string TokenCreated = "token.created";
    public const string TokenDeleted = "token.deleted";

    // Enrolment decisions (SCEP).
    public const string EnrolmentIssued = "enrolment.issued";
    public const string EnrolmentRejected = "enrolment.rejected";
    public const string EnrolmentPending = "enrolment.pending";

    // The approval queue.
    public const string RequestApproved = "request.approved";
    public const string RequestRejected = "request.rejected";
    public const string RequestExpired = "request.expired";

    // One-time challenges.
    public const string ChallengeIssued = "challenge.issued";
    public const string ChallengeUsed = "challenge.used";
    public const string ChallengeFailed = "challenge.failed";
    public const string ChallengeSourceLockedOut = "challenge.source-locked-out";

    // Inventory.
    public const string DeviceCreated = "device.created";
    public const string DeviceChanged = "device.changed";
    public const string DeviceDeleted = "device.deleted";
    public const string DevicesImported = "device.imported";
    public const string CertificateRevoked = "certificate.revoked";
    public const string CertificateImported = "certificate.imported";

    // Weak-crypto policy decisions (enforced refusals are enrolment.rejected naming the rule).
    public const string PolicyRescanned = "policy.rescanned";

    // Certificate lifecycle (the scheduler's sweeps).
    public const string CertificateRenewalDue = "certificate.renewal-due";
    public const string CertificateRenewalOverdue = "certificate.renewal-overdue";
    public const string CertificateExpired = "certificate.expired";
    public const string CertificateExpiryAlert = "certificate.expiry-alert";

    // Settings.
    public const string ProfileChanged = "profile.changed";
    public const string PolicyChanged = "policy.changed";

    // The trail itself.
    public const string AuditExported = "audit.exported";
}

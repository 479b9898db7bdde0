namespace CertBroker.Core.Renewal;

/// <summary>The kinds of lifecycle event a sweep emits, as named in audit actions and webhook payloads.</summary>
public static class RenewalEventTypes
{
    public const string RenewalDue = Audit.AuditActions.CertificateRenewalDue;
    public const string RenewalOverdue = Audit.AuditActions.CertificateRenewalOverdue;
    public const string Expired = Audit.AuditActions.CertificateExpired;
    public const string ExpiryAlert = Audit.AuditActions.CertificateExpiryAlert;
}

namespace CertBroker.Core.Renewal;

/// <summary>The kinds of lifecycle event a sweep emits, as named in audit actions and webhook payloads.</summary>
public static class RenewalEventTypes
{
    public const string RenewalDue = Audit.AuditActions.CertificateRenewalDue;
    public const string RenewalOverdue = Audit.AuditActions.CertificateRenewalOverdue;
    public const string Expired = Audit.AuditActions.CertificateExpired;
    public const string ExpiryAlert = Audit.AuditActions.CertificateExpiryAlert;
}

/// <summary>One lifecycle event for outside systems.</summary>
public sealed record RenewalEvent(string Type, DateTimeOffset Time, RenewalTransition Certificate);

/// <summary>
/// Passes lifecycle events on to outside systems (the webhook). Must return at once and never throw: delivery,
/// retries included, happens elsewhere, so a slow receiver holds up neither a sweep nor an enrolment.
/// </summary>
public interface IRenewalNotifier
{
    void Notify(IReadOnlyList<RenewalEvent> events);
}

/// <summary>The notifier when no webhook is configured.</summary>
public sealed class NullRenewalNotifier : IRenewalNotifier
{
    public static readonly NullRenewalNotifier Instance = new();

    public void Notify(IReadOnlyList<RenewalEvent> events)
    {
    }
}

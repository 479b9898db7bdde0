namespace CertBroker.Core.Audit;

/// <summary>
/// Passes committed audit events on to where they are followed in real time (syslog). Must return at once and never
/// throw: a collector that is down must not slow or fail the action being audited.
/// </summary>
public interface IAuditForwarder
{
    void Forward(AuditEvent auditEvent);
}

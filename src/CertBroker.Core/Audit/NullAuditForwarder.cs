namespace CertBroker.Core.Audit;

/// <summary>The forwarder when none is configured.</summary>
public sealed class NullAuditForwarder : IAuditForwarder
{
    public static readonly NullAuditForwarder Instance = new();

    public void Forward(AuditEvent auditEvent)
    {
    }
}

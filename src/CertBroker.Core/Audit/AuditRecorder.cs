namespace CertBroker.Core.Audit;

/// <summary>Stores a standalone event and then forwards it: the usual way to audit an event that changes nothing else.</summary>
public sealed class AuditRecorder(IAuditTrail trail, IAuditForwarder forwarder)
{
    public async Task RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        await trail.AppendAsync(auditEvent, cancellationToken).ConfigureAwait(false);
        forwarder.Forward(auditEvent);
    }

    /// <summary>Forwards an event a store has already committed together with its change.</summary>
    public void Committed(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        forwarder.Forward(auditEvent);
    }
}

namespace CertBroker.Core.Audit;

/// <summary>
/// The append-only audit table. Changes that are audited write their event in the same database transaction as the
/// change (the stores' mutating methods take the <see cref="AuditEvent"/>); this interface is for events that stand
/// alone, such as sign-ins, and for reading the trail.
/// </summary>
public interface IAuditTrail
{
    /// <returns>The stored event's ID.</returns>
    Task<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredAuditEvent>> ListAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>How many events the trail holds now.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Passes committed audit events on to where they are followed in real time (syslog). Must return at once and never
/// throw: a collector that is down must not slow or fail the action being audited.
/// </summary>
public interface IAuditForwarder
{
    void Forward(AuditEvent auditEvent);
}

/// <summary>The forwarder when none is configured.</summary>
public sealed class NullAuditForwarder : IAuditForwarder
{
    public static readonly NullAuditForwarder Instance = new();

    public void Forward(AuditEvent auditEvent)
    {
    }
}

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

/// <summary><c>CertBroker:Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "CertBroker:Audit";

    /// <summary>
    /// The most events kept; past it the oldest are dropped first, as MFDs do with their 40,000-record logs.
    /// Export the trail before it wraps if it must be kept longer.
    /// </summary>
    public int MaxRecords { get; set; } = 40_000;
}

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

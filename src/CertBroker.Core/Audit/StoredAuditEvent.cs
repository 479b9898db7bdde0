namespace CertBroker.Core.Audit;

/// <summary>An <see cref="AuditEvent"/> as stored, with its position in the trail (ascending, never reused).</summary>
public sealed record StoredAuditEvent(long Id, AuditEvent Event);

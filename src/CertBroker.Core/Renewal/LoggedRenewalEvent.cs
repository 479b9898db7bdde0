namespace CertBroker.Core.Renewal;

/// <summary>A lifecycle event read back from the audit trail; <see cref="Position"/> is its audit event's id.</summary>
public sealed record LoggedRenewalEvent(long Position, RenewalEvent Event);

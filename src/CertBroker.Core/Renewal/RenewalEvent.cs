namespace CertBroker.Core.Renewal;

/// <summary>One lifecycle event for outside systems.</summary>
public sealed record RenewalEvent(string Type, DateTimeOffset Time, RenewalTransition Certificate);

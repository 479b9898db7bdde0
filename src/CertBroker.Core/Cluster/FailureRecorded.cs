namespace CertBroker.Core.Cluster;

/// <summary>The count after a failure, and whether that failure imposed a lockout (the moment to audit it).</summary>
public sealed record FailureRecorded(FailureCount Count, bool LockedNow);

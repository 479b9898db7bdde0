namespace CertBroker.Core.Challenges;

/// <summary>A source's standing on one profile: locked out until when (null when not), and whether any failure is on record.</summary>
public readonly record struct LockoutState(DateTimeOffset? LockedUntil, bool HasFailures)
{
    public static readonly LockoutState Clear = new(null, false);
}

namespace CertBroker.Core.Accounts;

/// <summary>An account's record of failed sign-ins: failures since the last success or lockout, and any lockout's end.</summary>
public sealed record LockoutState(int FailureCount, DateTimeOffset? LockedUntil)
{
    /// <summary>No failures, not locked.</summary>
    public static LockoutState Clear { get; } = new(0, null);
}

namespace CertBroker.Core.Accounts;

/// <summary>The stored lockout fields of an account, from versions before <see cref="SignInLockout"/>; kept so they can be cleared.</summary>
public sealed record LockoutState(int FailureCount, DateTimeOffset? LockedUntil)
{
    /// <summary>No failures, not locked.</summary>
    public static LockoutState Clear { get; } = new(0, null);
}

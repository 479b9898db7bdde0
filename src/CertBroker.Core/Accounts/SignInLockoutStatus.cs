namespace CertBroker.Core.Accounts;

/// <summary>Failed sign-ins on one name as an administrator sees them.</summary>
/// <param name="RecentFailures">Failures from all sources within the lockout period.</param>
/// <param name="LockedUntil">The latest end of a lockout in force for any source, or null when no source is locked out.</param>
/// <param name="LockedSources">How many sources are locked out now.</param>
public sealed record SignInLockoutStatus(int RecentFailures, DateTimeOffset? LockedUntil, int LockedSources);

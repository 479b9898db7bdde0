namespace CertBroker.Core.Accounts;

/// <summary>
/// When failed sign-ins lock an account out, and when they slow it down (<c>CertBroker:Admin:Lockout</c>). Failures
/// are counted per account and source address (an IPv6 source by its /64), so guessing from one place never locks
/// the account's owner out at another; an account attacked from many places is slowed down, never locked.
/// </summary>
public sealed class LockoutOptions
{
    public const string SectionName = "CertBroker:Admin:Lockout";

    /// <summary>Failed sign-ins from one source within <see cref="DurationMinutes"/> that lock the account out for that source, 1 to 10. Default 5.</summary>
    public int Threshold { get; set; } = 5;

    /// <summary>Minutes failures are remembered, and a source stays locked out, 1 to 60. Default 15.</summary>
    public int DurationMinutes { get; set; } = 15;

    /// <summary>
    /// Failed sign-ins on one account from all sources within <see cref="DurationMinutes"/> past which the account is
    /// under attack, <see cref="Threshold"/> to 1000. Default 20. While it is, a source that has failed on the account
    /// gets one attempt per <see cref="SlowDownSeconds"/> shared by all such sources; others are not slowed down.
    /// </summary>
    public int SlowDownThreshold { get; set; } = 20;

    /// <summary>Seconds between two attempts on an account under attack from sources that have failed on it, 1 to 60. Default 5.</summary>
    public int SlowDownSeconds { get; set; } = 5;
}

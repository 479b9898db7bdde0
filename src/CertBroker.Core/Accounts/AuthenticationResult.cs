namespace CertBroker.Core.Accounts;

/// <summary>The outcome of one sign-in with user name and password.</summary>
public sealed record AuthenticationResult
{
    public required AuthenticationStatus Status { get; init; }

    /// <summary>The account's user name as stored, or as given when there is no such account.</summary>
    public required string UserName { get; init; }

    /// <summary>The account's role when signed in.</summary>
    public Role? Role { get; init; }

    /// <summary>Things the signed-in user should be told, e.g. that the bootstrap password is still in use.</summary>
    public IReadOnlyList<AuthenticationWarning> Warnings { get; init; } = [];

    /// <summary>Signed in, but only to change the password: it has expired or an administrator set it.</summary>
    public bool MustChangePassword { get; init; }

    /// <summary>When the lockout ends, for <see cref="AuthenticationStatus.LockedOut"/>.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>How long to wait before trying again, for <see cref="AuthenticationStatus.SlowedDown"/>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Why it failed, for <see cref="AuthenticationStatus.Failed"/>; for the log only.</summary>
    public AuthenticationFailure? Failure { get; init; }

    public bool Succeeded => Status == AuthenticationStatus.Succeeded;

    public static AuthenticationResult SignedIn(AdminAccount account, IReadOnlyList<AuthenticationWarning> warnings, bool mustChangePassword)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new()
        {
            Status = AuthenticationStatus.Succeeded,
            UserName = account.UserName,
            Role = account.Role,
            Warnings = warnings,
            MustChangePassword = mustChangePassword,
        };
    }

    public static AuthenticationResult Refused(string userName, AuthenticationFailure failure) =>
        new() { Status = AuthenticationStatus.Failed, UserName = userName, Failure = failure };

    public static AuthenticationResult Locked(string userName, DateTimeOffset lockedUntil) =>
        new() { Status = AuthenticationStatus.LockedOut, UserName = userName, LockedUntil = lockedUntil };

    public static AuthenticationResult SlowedDown(string userName, TimeSpan retryAfter) =>
        new() { Status = AuthenticationStatus.SlowedDown, UserName = userName, RetryAfter = retryAfter };
}

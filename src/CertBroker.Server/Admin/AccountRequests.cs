using CertBroker.Core.Accounts;

namespace CertBroker.Server.Admin;

/// <param name="MustChangePassword">Whether the new user must choose their own password at first sign-in; default true.</param>
internal sealed record CreateAccountRequest(string? UserName, Role? Role, string? Password, bool? MustChangePassword);

/// <summary>Fields left out (null) stay as they are.</summary>
internal sealed record ChangeAccountRequest(Role? Role, bool? Disabled);

internal sealed record ResetPasswordRequest(string? Password);

internal sealed record ChangeOwnPasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>An account as the API shows it; never the password hash.</summary>
/// <param name="LockedUntil">
/// The latest end of a lockout in force for any source address (lockouts are per account and source), else null.
/// </param>
/// <param name="FailureCount">Failed sign-ins from all sources within the lockout period.</param>
/// <param name="PasswordExpiresAt">When the password expires under the current policy; null when passwords do not expire.</param>
internal sealed record AccountResponse(
    string UserName,
    Role Role,
    bool Disabled,
    DateTimeOffset? LockedUntil,
    int FailureCount,
    DateTimeOffset PasswordSetAt,
    DateTimeOffset? PasswordExpiresAt,
    bool IsBootstrapPassword,
    bool MustChangePassword)
{
    public static async Task<AccountResponse> FromAsync(AdminAccount account, PasswordPolicy policy, SignInLockout lockout, CancellationToken cancellationToken)
    {
        SignInLockoutStatus status = await lockout.StatusAsync(account.UserName, cancellationToken).ConfigureAwait(false);
        return new(
            account.UserName,
            account.Role,
            account.Disabled,
            status.LockedUntil,
            status.RecentFailures,
            account.PasswordSetAt,
            policy.ExpiresAt(account.PasswordSetAt),
            account.IsBootstrapPassword,
            account.MustChangePassword);
    }
}

/// <summary>User names: what HTTP Basic can carry and a log line can show unambiguously.</summary>
internal static class UserNames
{
    public const int MaxLength = 64;

    /// <summary>Why <paramref name="userName"/> cannot be used, or null when it can.</summary>
    public static string? Problem(string? userName)
    {
        if (string.IsNullOrWhiteSpace(userName))
        {
            return "A user name is required.";
        }

        if (userName.Length > MaxLength)
        {
            return $"A user name has at most {MaxLength} characters.";
        }

        // RFC 7617 §2: the user-id of Basic credentials cannot contain a colon.
        if (userName.Contains(':', StringComparison.Ordinal) || userName.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return "A user name cannot contain ':', spaces or control characters.";
        }

        return null;
    }
}

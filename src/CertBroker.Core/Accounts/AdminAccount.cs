using System.Text;

namespace CertBroker.Core.Accounts;

/// <summary>A local account of the admin API.</summary>
public sealed record AdminAccount
{
    /// <summary>The account's user name; stores compare user names case-insensitively.</summary>
    public required string UserName { get; init; }

    public required Role Role { get; init; }

    /// <summary>The password as encoded by <see cref="PasswordHasher"/>; never the password itself.</summary>
    public required string PasswordHash { get; init; }

    /// <summary>When the password was last set; the password policy's validity period counts from here.</summary>
    public required DateTimeOffset PasswordSetAt { get; init; }

    /// <summary>
    /// The password is still the one given at first start, from configuration or generated. Signing in succeeds with
    /// a warning until it is changed.
    /// </summary>
    public bool IsBootstrapPassword { get; init; }

    /// <summary>
    /// An administrator set this password for the user, or it was generated at first start: the user must choose a new
    /// one before doing anything else.
    /// </summary>
    public bool MustChangePassword { get; init; }

    /// <summary>
    /// Failed sign-ins as versions before the per-source lockout stored them. Sign-in no longer reads or writes it (see
    /// <see cref="SignInLockout"/>); an unlock or password reset clears it.
    /// </summary>
    public int FailureCount { get; init; }

    /// <summary>End of a lockout as versions before the per-source lockout stored it; no longer enforced.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>A disabled account cannot sign in, whatever its password.</summary>
    public bool Disabled { get; init; }

    /// <summary>Concurrency stamp maintained by the store; see <see cref="IAccountStore.UpdateAsync"/>.</summary>
    public long Version { get; init; }

    public LockoutState Lockout => new(FailureCount, LockedUntil);

    public AdminAccount WithLockout(LockoutState lockout)
    {
        ArgumentNullException.ThrowIfNull(lockout);
        return this with { FailureCount = lockout.FailureCount, LockedUntil = lockout.LockedUntil };
    }

    // Leaves the password hash out, so logging an account never puts it in a log file.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"UserName = {UserName}, Role = {Role}, PasswordSetAt = {PasswordSetAt:O}, ");
        builder.Append($"IsBootstrapPassword = {IsBootstrapPassword}, MustChangePassword = {MustChangePassword}, ");
        builder.Append($"FailureCount = {FailureCount}, LockedUntil = {LockedUntil:O}, Disabled = {Disabled}, Version = {Version}");
        return true;
    }
}

namespace CertBroker.Core.Accounts;

/// <summary>
/// Signs admin accounts in with user name and password, applying the lockout per account and source
/// (<see cref="SignInLockout"/>) and reporting what the user must be warned about. Every attempt that gets as far as
/// the password runs exactly one key derivation, whether the name is unknown, locked out or wrong, so the answer's
/// timing tells none of them apart.
/// </summary>
public sealed class AccountAuthenticator
{
    // Each retry follows a concurrent change to the same account, so a handful is plenty.
    private const int MaxWriteAttempts = 5;

    private readonly IAccountStore _store;
    private readonly PasswordHasher _hasher;
    private readonly PasswordPolicy _passwordPolicy;
    private readonly SignInLockout _lockout;
    private readonly string _decoyHash;

    public AccountAuthenticator(IAccountStore store, PasswordHasher hasher, PasswordPolicy passwordPolicy, SignInLockout lockout)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(passwordPolicy);
        ArgumentNullException.ThrowIfNull(lockout);
        _store = store;
        _hasher = hasher;
        _passwordPolicy = passwordPolicy;
        _lockout = lockout;
        _decoyHash = hasher.DecoyHash();
    }

    /// <param name="source">The caller's address, as the lockout counts it; null when unknown.</param>
    public async Task<AuthenticationResult> AuthenticateAsync(string userName, string password, string? source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);

        DateTimeOffset? lockedUntil = await _lockout.LockedUntilAsync(userName, source, cancellationToken).ConfigureAwait(false);
        if (lockedUntil is null && await _lockout.SlowDownAsync(userName, source, cancellationToken).ConfigureAwait(false) is { } wait)
        {
            // Refused before any key derivation: that is what makes the slow-down cheap for us.
            return AuthenticationResult.SlowedDown(userName, wait);
        }

        AdminAccount? account = await _store.FindAsync(userName, cancellationToken).ConfigureAwait(false);

        // One derivation on every path from here: against the decoy when there is no account, and against the real
        // hash even when locked out, whose answer is then ignored.
        bool passwordMatches = _hasher.Verify(password, account?.PasswordHash ?? _decoyHash);
        string name = account?.UserName ?? userName;
        if (lockedUntil is { } until)
        {
            return AuthenticationResult.Locked(name, until);
        }

        if (account is null || !passwordMatches)
        {
            return await _lockout.RecordFailureAsync(userName, source, cancellationToken).ConfigureAwait(false) is { } imposed
                ? AuthenticationResult.Locked(name, imposed)
                : AuthenticationResult.Refused(name, account is null ? AuthenticationFailure.UnknownUser
                    : account.Disabled ? AuthenticationFailure.AccountDisabled : AuthenticationFailure.WrongPassword);
        }

        if (account.Disabled)
        {
            return AuthenticationResult.Refused(name, AuthenticationFailure.AccountDisabled);
        }

        await _lockout.RecordSuccessAsync(userName, source, cancellationToken).ConfigureAwait(false);
        return await SignedInAsync(account, password, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AuthenticationResult> SignedInAsync(AdminAccount account, string password, CancellationToken cancellationToken)
    {
        if (!_hasher.NeedsRehash(account.PasswordHash))
        {
            return SignedIn(account);
        }

        // The one moment the password is at hand to re-derive with the configured iteration count; a concurrent
        // change of the account (role, another rehash) only means reading it again.
        string hash = _hasher.Hash(password);
        for (int attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            if (await _store.UpdateAsync(account with { PasswordHash = hash }, cancellationToken).ConfigureAwait(false))
            {
                return SignedIn(account);
            }

            AdminAccount? current = await _store.FindAsync(account.UserName, cancellationToken).ConfigureAwait(false);
            if (current is null || current.Disabled || !string.Equals(current.PasswordHash, account.PasswordHash, StringComparison.Ordinal))
            {
                // Deleted, disabled or given a new password while we checked the old one.
                return AuthenticationResult.Refused(account.UserName, AuthenticationFailure.Contention);
            }

            account = current;
        }

        return AuthenticationResult.Refused(account.UserName, AuthenticationFailure.Contention);
    }

    private AuthenticationResult SignedIn(AdminAccount account)
    {
        var warnings = new List<AuthenticationWarning>();
        if (account.IsBootstrapPassword)
        {
            warnings.Add(AuthenticationWarning.BootstrapPasswordInUse);
        }

        bool expired = _passwordPolicy.IsExpired(account.PasswordSetAt);
        if (expired)
        {
            warnings.Add(AuthenticationWarning.PasswordExpired);
        }

        if (account.MustChangePassword)
        {
            warnings.Add(AuthenticationWarning.PasswordChangeRequired);
        }

        return AuthenticationResult.SignedIn(account, warnings, mustChangePassword: expired || account.MustChangePassword);
    }
}

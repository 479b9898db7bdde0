namespace CertBroker.Core.Accounts;

/// <summary>
/// Signs admin accounts in with user name and password, applying the lockout per account and reporting what the
/// user must be warned about.
/// </summary>
public sealed class AccountAuthenticator
{
    // Each retry follows a concurrent change to the same account, so a handful is plenty even under a guessing burst.
    private const int MaxWriteAttempts = 5;

    private readonly IAccountStore _store;
    private readonly PasswordHasher _hasher;
    private readonly PasswordPolicy _passwordPolicy;
    private readonly LockoutPolicy _lockoutPolicy;
    private readonly string _decoyHash;

    public AccountAuthenticator(IAccountStore store, PasswordHasher hasher, PasswordPolicy passwordPolicy, LockoutPolicy lockoutPolicy)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(passwordPolicy);
        ArgumentNullException.ThrowIfNull(lockoutPolicy);
        _store = store;
        _hasher = hasher;
        _passwordPolicy = passwordPolicy;
        _lockoutPolicy = lockoutPolicy;
        _decoyHash = hasher.DecoyHash();
    }

    public async Task<AuthenticationResult> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);

        // The password is checked once per stored hash, not once per retry: a retry after a concurrent failure
        // count update needs no new key derivation, only a new look at the lockout.
        string? checkedHash = null;
        bool passwordMatches = false;

        for (int attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            AdminAccount? account = await _store.FindAsync(userName, cancellationToken).ConfigureAwait(false);
            if (account is null)
            {
                // Cost the same as a wrong password, so the response time does not tell which user names exist.
                _hasher.Verify(password, _decoyHash);
                return AuthenticationResult.Refused(userName, AuthenticationFailure.UnknownUser);
            }

            if (_lockoutPolicy.LockedUntil(account.Lockout) is { } lockedUntil)
            {
                return AuthenticationResult.Locked(account.UserName, lockedUntil);
            }

            if (!string.Equals(account.PasswordHash, checkedHash, StringComparison.Ordinal))
            {
                passwordMatches = _hasher.Verify(password, account.PasswordHash);
                checkedHash = account.PasswordHash;
            }

            if (account.Disabled)
            {
                return AuthenticationResult.Refused(account.UserName, AuthenticationFailure.AccountDisabled);
            }

            if (!passwordMatches)
            {
                LockoutState failed = _lockoutPolicy.RecordFailure(account.Lockout);
                if (!await _store.UpdateAsync(account.WithLockout(failed), cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                return _lockoutPolicy.LockedUntil(failed) is { } until
                    ? AuthenticationResult.Locked(account.UserName, until)
                    : AuthenticationResult.Refused(account.UserName, AuthenticationFailure.WrongPassword);
            }

            AdminAccount updated = account.WithLockout(_lockoutPolicy.RecordSuccess(account.Lockout));
            if (_hasher.NeedsRehash(account.PasswordHash))
            {
                // The one moment the password is at hand to re-derive with the configured iteration count.
                updated = updated with { PasswordHash = _hasher.Hash(password) };
            }

            if (updated != account && !await _store.UpdateAsync(updated, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            return SignedIn(account);
        }

        return AuthenticationResult.Refused(userName, AuthenticationFailure.Contention);
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

using CertBroker.Core.Audit;

namespace CertBroker.Core.Accounts;

/// <summary>Where admin accounts live. User names compare case-insensitively (ordinal).</summary>
public interface IAccountStore
{
    Task<AdminAccount?> FindAsync(string userName, CancellationToken cancellationToken);

    /// <summary>Whether any account exists, disabled ones included; bootstrap runs only when none does.</summary>
    Task<bool> AnyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="account"/> as given, and <paramref name="auditEvent"/> with it in the same transaction when
    /// one is given. Returns false, writing nothing, when the user name is taken.
    /// </summary>
    Task<bool> CreateAsync(AdminAccount account, AuditEvent? auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored account of the same user name, but only while its stored <see cref="AdminAccount.Version"/>
    /// still equals <paramref name="account"/>'s; the stored version then becomes one higher. Returns false, writing
    /// nothing, when the account is gone or another writer changed it first.
    /// </summary>
    /// <remarks>
    /// Without this check, parallel wrong passwords would overwrite each other's failure count and get past the
    /// lockout threshold.
    /// </remarks>
    Task<bool> UpdateAsync(AdminAccount account, CancellationToken cancellationToken);
}

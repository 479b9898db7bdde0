using CertBroker.Core.Audit;

namespace CertBroker.Core.Accounts;

/// <summary>
/// The changes the admin API makes to accounts and API tokens. Each writes its <see cref="AuditEvent"/> in the same
/// database transaction as the change, so a change is never committed without its record or the other way round.
/// </summary>
public interface IAccountAdministration
{
    /// <summary>Every account, ordered by user name.</summary>
    Task<IReadOnlyList<AdminAccount>> ListAccountsAsync(CancellationToken cancellationToken);

    /// <returns><see cref="AdministrationOutcome.Done"/> or <see cref="AdministrationOutcome.NameTaken"/>.</returns>
    Task<AdministrationOutcome> CreateAccountAsync(AdminAccount account, AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored account of the same user name while its version still equals <paramref name="account"/>'s,
    /// as <see cref="IAccountStore.UpdateAsync"/> does, unless that would leave no enabled Administrator.
    /// </summary>
    Task<AdministrationOutcome> UpdateAccountAsync(AdminAccount account, AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the account, and every API token it owns in the same transaction, unless it is the last enabled
    /// Administrator. The tokens go too so that a new account given the same name later does not inherit them.
    /// </summary>
    Task<AdministrationOutcome> DeleteAccountAsync(string userName, AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <returns><see cref="AdministrationOutcome.Done"/> or <see cref="AdministrationOutcome.NameTaken"/>.</returns>
    Task<AdministrationOutcome> CreateTokenAsync(ApiToken token, AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <returns><see cref="AdministrationOutcome.Done"/> or <see cref="AdministrationOutcome.NotFound"/>.</returns>
    Task<AdministrationOutcome> DeleteTokenAsync(string name, AuditEvent auditEvent, CancellationToken cancellationToken);
}

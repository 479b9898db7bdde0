using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;

namespace CertBroker.Core.Tests.Accounts;

/// <summary>An <see cref="IAccountStore"/> in a dictionary, with the same version check the database stores make.</summary>
internal sealed class InMemoryAccountStore : IAccountStore
{
    private readonly Dictionary<string, AdminAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    /// <summary>Runs just before an update is applied, to let a test play a concurrent writer.</summary>
    public Action<InMemoryAccountStore, AdminAccount>? BeforeUpdate { get; set; }

    public int Updates { get; private set; }

    public AdminAccount? this[string userName]
    {
        get
        {
            lock (_lock)
            {
                return _accounts.GetValueOrDefault(userName);
            }
        }
    }

    public Task<AdminAccount?> FindAsync(string userName, CancellationToken cancellationToken) => Task.FromResult(this[userName]);

    public Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_accounts.Count > 0);
        }
    }

    /// <summary>Audit events written together with created accounts.</summary>
    public List<AuditEvent> AuditEvents { get; } = [];

    public Task<bool> CreateAsync(AdminAccount account, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_accounts.TryAdd(account.UserName, account))
            {
                return Task.FromResult(false);
            }

            if (auditEvent is not null)
            {
                AuditEvents.Add(auditEvent);
            }

            return Task.FromResult(true);
        }
    }

    public Task<bool> UpdateAsync(AdminAccount account, CancellationToken cancellationToken)
    {
        BeforeUpdate?.Invoke(this, account);
        lock (_lock)
        {
            if (!_accounts.TryGetValue(account.UserName, out AdminAccount? stored) || stored.Version != account.Version)
            {
                return Task.FromResult(false);
            }

            _accounts[account.UserName] = account with { Version = account.Version + 1 };
            Updates++;
            return Task.FromResult(true);
        }
    }

    /// <summary>Writes <paramref name="account"/> as is, bumping the version, as another process would.</summary>
    public void Put(AdminAccount account)
    {
        lock (_lock)
        {
            long version = _accounts.TryGetValue(account.UserName, out AdminAccount? stored) ? stored.Version + 1 : 0;
            _accounts[account.UserName] = account with { Version = version };
        }
    }

    /// <summary>Deletes the account, as another process would.</summary>
    public void Remove(string userName)
    {
        lock (_lock)
        {
            _accounts.Remove(userName);
        }
    }
}

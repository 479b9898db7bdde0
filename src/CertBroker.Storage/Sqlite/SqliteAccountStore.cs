using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Storage.Rows;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>Admin accounts and API tokens (<c>accounts</c>, <c>api_tokens</c>; migration 0003).</summary>
public sealed class SqliteAccountStore(SqliteDataSource source) : IAccountStore, IApiTokenStore, IAccountAdministration
{
    private const string AccountColumns = """
        user_name AS UserName, role AS Role, password_hash AS PasswordHash, password_set_at AS PasswordSetAt,
        is_bootstrap_password AS IsBootstrapPassword, must_change_password AS MustChangePassword,
        failure_count AS FailureCount, locked_until AS LockedUntil, disabled AS Disabled, version AS Version
        """;

    private const string TokenColumns =
        "name AS Name, role AS Role, secret_hash AS SecretHash, created_at AS CreatedAt, expires_at AS ExpiresAt, owner AS Owner";

    // ON CONFLICT DO NOTHING turns a taken name into "no row inserted" rather than an exception, so the savepoint
    // stays intact and the caller simply gets false.
    private const string InsertAccount = """
        INSERT INTO accounts (user_name, role, password_hash, password_set_at, is_bootstrap_password,
            must_change_password, failure_count, locked_until, disabled, version)
        VALUES (@UserName, @Role, @PasswordHash, @PasswordSetAt, @IsBootstrapPassword,
            @MustChangePassword, @FailureCount, @LockedUntil, @Disabled, @Version)
        ON CONFLICT DO NOTHING
        """;

    private const string UpdateAccount = """
        UPDATE accounts SET role = @Role, password_hash = @PasswordHash, password_set_at = @PasswordSetAt,
            is_bootstrap_password = @IsBootstrapPassword, must_change_password = @MustChangePassword,
            failure_count = @FailureCount, locked_until = @LockedUntil, disabled = @Disabled, version = version + 1
        WHERE user_name = @UserName AND version = @Version
        """;

    private const string InsertToken = """
        INSERT INTO api_tokens (name, role, secret_hash, created_at, expires_at, owner)
        VALUES (@Name, @Role, @SecretHash, @CreatedAt, @ExpiresAt, @Owner)
        ON CONFLICT DO NOTHING
        """;

    private const string CountEnabledAdministrators = "SELECT count(*) FROM accounts WHERE role = @Role AND disabled = 0";

    public Task<AdminAccount?> FindAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return source.ReadAsync(userName, static (connection, userName) =>
            connection.QuerySingleOrDefault<AccountRow>($"SELECT {AccountColumns} FROM accounts WHERE user_name = @userName", new { userName })?.ToRecord(),
            cancellationToken);
    }

    public Task<bool> AnyAsync(CancellationToken cancellationToken) =>
        source.ReadAsync(0, static (connection, _) => connection.ExecuteScalar<long>("SELECT EXISTS (SELECT 1 FROM accounts)") != 0, cancellationToken);

    public async Task<bool> CreateAsync(AdminAccount account, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (auditEvent is not null)
        {
            return await CreateAccountAsync(account, auditEvent, cancellationToken).ConfigureAwait(false) == AdministrationOutcome.Done;
        }

        return await source.WriteAsync(AccountRow.From(account), static (connection, row) => connection.Execute(InsertAccount, row) == 1, cancellationToken)
            .ConfigureAwait(false);
    }

    public Task<bool> UpdateAsync(AdminAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return source.WriteAsync(AccountRow.From(account), static (connection, row) => connection.Execute(UpdateAccount, row) == 1, cancellationToken);
    }

    public Task<IReadOnlyList<AdminAccount>> ListAccountsAsync(CancellationToken cancellationToken) =>
        source.ReadAsync(0, static (connection, _) => (IReadOnlyList<AdminAccount>)connection
            .Query<AccountRow>($"SELECT {AccountColumns} FROM accounts ORDER BY user_name")
            .Select(row => row.ToRecord())
            .ToList(), cancellationToken);

    public Task<AdministrationOutcome> CreateAccountAsync(AdminAccount account, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(auditEvent);
        return InsertAuditedAsync(InsertAccount, AccountRow.From(account), auditEvent, cancellationToken);
    }

    public async Task<AdministrationOutcome> UpdateAccountAsync(AdminAccount account, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(auditEvent);
        try
        {
            return await source.WriteAsync((Row: AccountRow.From(account), Audit: auditEvent, Max: source.AuditMaxRecords), static (connection, args) =>
            {
                if (connection.Execute(UpdateAccount, args.Row) != 1)
                {
                    return AdministrationOutcome.Conflict;
                }

                EnsureAnAdministratorRemains(connection);
                SqliteAudit.Append(connection, args.Audit, args.Max);
                return AdministrationOutcome.Done;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (LastAdministratorException)
        {
            return AdministrationOutcome.LastAdministrator;
        }
    }

    public async Task<AdministrationOutcome> DeleteAccountAsync(string userName, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(auditEvent);
        try
        {
            return await source.WriteAsync((UserName: userName, Audit: auditEvent, Max: source.AuditMaxRecords), static (connection, args) =>
            {
                if (connection.Execute("DELETE FROM accounts WHERE user_name = @UserName", new { args.UserName }) != 1)
                {
                    return AdministrationOutcome.NotFound;
                }

                EnsureAnAdministratorRemains(connection);
                connection.Execute("DELETE FROM api_tokens WHERE owner = @UserName", new { args.UserName });
                SqliteAudit.Append(connection, args.Audit, args.Max);
                return AdministrationOutcome.Done;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (LastAdministratorException)
        {
            return AdministrationOutcome.LastAdministrator;
        }
    }

    public Task<ApiToken?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secretHash);
        return source.ReadAsync(secretHash, static (connection, secretHash) =>
            connection.QuerySingleOrDefault<TokenRow>($"SELECT {TokenColumns} FROM api_tokens WHERE secret_hash = @secretHash", new { secretHash })?.ToRecord(),
            cancellationToken);
    }

    public Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken) =>
        source.ReadAsync(0, static (connection, _) => (IReadOnlyList<ApiToken>)connection
            .Query<TokenRow>($"SELECT {TokenColumns} FROM api_tokens ORDER BY name")
            .Select(row => row.ToRecord())
            .ToList(), cancellationToken);

    public Task<bool> CreateAsync(ApiToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return source.WriteAsync(TokenRow.From(token), static (connection, row) => connection.Execute(InsertToken, row) == 1, cancellationToken);
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return source.WriteAsync(name, static (connection, name) => connection.Execute("DELETE FROM api_tokens WHERE name = @name", new { name }) == 1, cancellationToken);
    }

    public Task<AdministrationOutcome> CreateTokenAsync(ApiToken token, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(auditEvent);
        return InsertAuditedAsync(InsertToken, TokenRow.From(token), auditEvent, cancellationToken);
    }

    public Task<AdministrationOutcome> DeleteTokenAsync(string name, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(auditEvent);
        return source.WriteAsync((Name: name, Audit: auditEvent, Max: source.AuditMaxRecords), static (connection, args) =>
        {
            if (connection.Execute("DELETE FROM api_tokens WHERE name = @Name", new { args.Name }) != 1)
            {
                return AdministrationOutcome.NotFound;
            }

            SqliteAudit.Append(connection, args.Audit, args.Max);
            return AdministrationOutcome.Done;
        }, cancellationToken);
    }

    /// <summary>Throws, undoing the write's savepoint, when the change just made left no enabled Administrator.</summary>
    private static void EnsureAnAdministratorRemains(SqliteConnection connection)
    {
        if (connection.ExecuteScalar<long>(CountEnabledAdministrators, new { Role = (long)Role.Administrator }) == 0)
        {
            throw new LastAdministratorException();
        }
    }

    /// <summary>Undoes a write that would remove the last enabled Administrator; never leaves the store.</summary>
    private sealed class LastAdministratorException : Exception;

    private sealed class AccountRow
    {
        public string UserName { get; init; } = "";

        public long Role { get; init; }

        public string PasswordHash { get; init; } = "";

        public long PasswordSetAt { get; init; }

        public bool IsBootstrapPassword { get; init; }

        public bool MustChangePassword { get; init; }

        public long FailureCount { get; init; }

        public long? LockedUntil { get; init; }

        public bool Disabled { get; init; }

        public long Version { get; init; }

        public static AccountRow From(AdminAccount account) => new()
        {
            UserName = account.UserName,
            Role = (long)account.Role,
            PasswordHash = account.PasswordHash,
            PasswordSetAt = UnixMicroseconds.From(account.PasswordSetAt),
            IsBootstrapPassword = account.IsBootstrapPassword,
            MustChangePassword = account.MustChangePassword,
            FailureCount = account.FailureCount,
            LockedUntil = UnixMicroseconds.From(account.LockedUntil),
            Disabled = account.Disabled,
            Version = account.Version,
        };

        public AdminAccount ToRecord() => new()
        {
            UserName = UserName,
            Role = (Role)Role,
            PasswordHash = PasswordHash,
            PasswordSetAt = UnixMicroseconds.ToDateTimeOffset(PasswordSetAt),
            IsBootstrapPassword = IsBootstrapPassword,
            MustChangePassword = MustChangePassword,
            FailureCount = (int)FailureCount,
            LockedUntil = UnixMicroseconds.ToDateTimeOffset(LockedUntil),
            Disabled = Disabled,
            Version = Version,
        };
    }

    private sealed class TokenRow
    {
        public string Name { get; init; } = "";

        public long Role { get; init; }

        public string SecretHash { get; init; } = "";

        public long CreatedAt { get; init; }

        public long? ExpiresAt { get; init; }

        public string? Owner { get; init; }

        public static TokenRow From(ApiToken token) => new()
        {
            Name = token.Name,
            Role = (long)token.Role,
            SecretHash = token.SecretHash,
            CreatedAt = UnixMicroseconds.From(token.CreatedAt),
            ExpiresAt = UnixMicroseconds.From(token.ExpiresAt),
            Owner = token.Owner,
        };

        public ApiToken ToRecord() => new()
        {
            Name = Name,
            Role = (Role)Role,
            SecretHash = SecretHash,
            CreatedAt = UnixMicroseconds.ToDateTimeOffset(CreatedAt),
            ExpiresAt = UnixMicroseconds.ToDateTimeOffset(ExpiresAt),
            Owner = Owner,
        };
    }

    /// <summary>Runs <paramref name="insert"/> (ON CONFLICT DO NOTHING on a unique name) and, when it added the row, its audit event in the same transaction.</summary>
    private Task<AdministrationOutcome> InsertAuditedAsync<TRow>(string insert, TRow row, AuditEvent auditEvent, CancellationToken cancellationToken) =>
        source.WriteAsync((Insert: insert, Row: row, Audit: auditEvent, Max: source.AuditMaxRecords), static (connection, args) =>
        {
            if (connection.Execute(args.Insert, args.Row) != 1)
            {
                return AdministrationOutcome.NameTaken;
            }

            SqliteAudit.Append(connection, args.Audit, args.Max);
            return AdministrationOutcome.Done;
        }, cancellationToken);
}

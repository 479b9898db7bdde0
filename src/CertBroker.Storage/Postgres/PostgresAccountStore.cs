using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Storage.Rows;
using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// Admin accounts and API tokens (<c>accounts</c>, <c>api_tokens</c>). Every guarantee holds across nodes: names are
/// unique by the CITEXT unique constraints, an update applies only while the row's <c>version</c> is the one read
/// (checked by PostgreSQL on the locked row, so of two nodes updating the same version exactly one wins), and the
/// last-administrator check runs with the enabled administrators' rows locked.
/// </summary>
/// <remarks>
/// User and token names are CITEXT. A parameter Npgsql sends as <c>text</c> would compare as text, case-sensitively
/// and without the unique index, so every comparison casts it to <c>citext</c>.
/// </remarks>
public sealed class PostgresAccountStore(PostgresDataSource source) : IAccountStore, IApiTokenStore, IAccountAdministration
{
    private const string AccountColumns = """
        user_name AS UserName, role AS Role, password_hash AS PasswordHash, password_set_at AS PasswordSetAt,
        is_bootstrap_password AS IsBootstrapPassword, must_change_password AS MustChangePassword,
        failure_count AS FailureCount, locked_until AS LockedUntil, disabled AS Disabled, version AS Version
        """;

    private const string TokenColumns =
        "name AS Name, role AS Role, secret_hash AS SecretHash, created_at AS CreatedAt, expires_at AS ExpiresAt, owner AS Owner";

    // A taken name (in any case) inserts nothing rather than failing the transaction; a concurrent insert of the
    // same name waits for the other transaction and then inserts nothing if it committed.
    private const string InsertAccount = """
        INSERT INTO accounts (user_name, role, password_hash, password_set_at, is_bootstrap_password,
            must_change_password, failure_count, locked_until, disabled, version)
        VALUES (@UserName, @Role, @PasswordHash, @PasswordSetAt, @IsBootstrapPassword,
            @MustChangePassword, @FailureCount, @LockedUntil, @Disabled, @Version)
        ON CONFLICT DO NOTHING
        """;

    // Under READ COMMITTED a concurrent writer's committed change makes PostgreSQL re-check the WHERE clause on the
    // newest row version, so a stale version matches nothing.
    private const string UpdateAccount = """
        UPDATE accounts SET role = @Role, password_hash = @PasswordHash, password_set_at = @PasswordSetAt,
            is_bootstrap_password = @IsBootstrapPassword, must_change_password = @MustChangePassword,
            failure_count = @FailureCount, locked_until = @LockedUntil, disabled = @Disabled, version = version + 1
        WHERE user_name = CAST(@UserName AS citext) AND version = @Version
        """;

    private const string InsertToken = """
        INSERT INTO api_tokens (name, role, secret_hash, created_at, expires_at, owner)
        VALUES (@Name, @Role, @SecretHash, @CreatedAt, @ExpiresAt, @Owner)
        ON CONFLICT DO NOTHING
        """;

    // Two nodes disabling the last two administrators at once would each still see the other enabled (write skew).
    // Locking the enabled administrators first, in id order, makes the second wait and then count what the first left.
    private const string LockEnabledAdministrators =
        "SELECT id FROM accounts WHERE role = @Role AND disabled = 0 ORDER BY id FOR UPDATE";

    private const string CountEnabledAdministrators = "SELECT count(*) FROM accounts WHERE role = @Role AND disabled = 0";

    public Task<AdminAccount?> FindAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return source.ReadAsync(async (connection, token) =>
        {
            AccountRow? row = await connection.QuerySingleOrDefaultAsync<AccountRow>(new CommandDefinition(
                $"SELECT {AccountColumns} FROM accounts WHERE user_name = CAST(@userName AS citext)", new { userName }, cancellationToken: token))
                .ConfigureAwait(false);
            return row?.ToRecord();
        }, cancellationToken);
    }

    public Task<bool> AnyAsync(CancellationToken cancellationToken) =>
        source.ReadAsync((connection, token) =>
            connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM accounts)", cancellationToken: token)), cancellationToken);

    public async Task<bool> CreateAsync(AdminAccount account, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (auditEvent is not null)
        {
            return await CreateAccountAsync(account, auditEvent, cancellationToken).ConfigureAwait(false) == AdministrationOutcome.Done;
        }

        AccountRow row = AccountRow.From(account);
        return await source.WriteAsync(
            async (connection, transaction) => await connection.ExecuteAsync(InsertAccount, row, transaction).ConfigureAwait(false) == 1,
            cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> UpdateAsync(AdminAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        AccountRow row = AccountRow.From(account);
        return source.WriteAsync(
            async (connection, transaction) => await connection.ExecuteAsync(UpdateAccount, row, transaction).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    public Task<IReadOnlyList<AdminAccount>> ListAccountsAsync(CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<AdminAccount>>(async (connection, token) =>
            (await connection.QueryAsync<AccountRow>(new CommandDefinition(
                $"SELECT {AccountColumns} FROM accounts ORDER BY user_name", cancellationToken: token)).ConfigureAwait(false))
            .Select(row => row.ToRecord())
            .ToList(), cancellationToken);

    public Task<AdministrationOutcome> CreateAccountAsync(AdminAccount account, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(auditEvent);
        return InsertAuditedAsync(InsertAccount, AccountRow.From(account), auditEvent, cancellationToken);
    }

    public Task<AdministrationOutcome> UpdateAccountAsync(AdminAccount account, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(auditEvent);
        AccountRow row = AccountRow.From(account);
        return RefusingLastAdministratorAsync(async (connection, transaction) =>
        {
            await LockEnabledAdministratorsAsync(connection, transaction).ConfigureAwait(false);
            if (await connection.ExecuteAsync(UpdateAccount, row, transaction).ConfigureAwait(false) != 1)
            {
                return AdministrationOutcome.Conflict;
            }

            await EnsureAnAdministratorRemainsAsync(connection, transaction).ConfigureAwait(false);
            await PostgresAudit.AppendAsync(connection, transaction, auditEvent, source.Audit).ConfigureAwait(false);
            return AdministrationOutcome.Done;
        }, cancellationToken);
    }

    public Task<AdministrationOutcome> DeleteAccountAsync(string userName, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(auditEvent);
        return RefusingLastAdministratorAsync(async (connection, transaction) =>
        {
            await LockEnabledAdministratorsAsync(connection, transaction).ConfigureAwait(false);
            if (await connection.ExecuteAsync(
                    "DELETE FROM accounts WHERE user_name = CAST(@userName AS citext)", new { userName }, transaction).ConfigureAwait(false) != 1)
            {
                return AdministrationOutcome.NotFound;
            }

            await EnsureAnAdministratorRemainsAsync(connection, transaction).ConfigureAwait(false);
            await connection.ExecuteAsync("DELETE FROM api_tokens WHERE owner = CAST(@userName AS citext)", new { userName }, transaction).ConfigureAwait(false);
            await PostgresAudit.AppendAsync(connection, transaction, auditEvent, source.Audit).ConfigureAwait(false);
            return AdministrationOutcome.Done;
        }, cancellationToken);
    }

    public Task<ApiToken?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secretHash);
        return source.ReadAsync(async (connection, token) =>
        {
            TokenRow? row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
                $"SELECT {TokenColumns} FROM api_tokens WHERE secret_hash = @secretHash", new { secretHash }, cancellationToken: token))
                .ConfigureAwait(false);
            return row?.ToRecord();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<ApiToken>>(async (connection, token) =>
            (await connection.QueryAsync<TokenRow>(new CommandDefinition(
                $"SELECT {TokenColumns} FROM api_tokens ORDER BY name", cancellationToken: token)).ConfigureAwait(false))
            .Select(row => row.ToRecord())
            .ToList(), cancellationToken);

    public Task<bool> CreateAsync(ApiToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        TokenRow row = TokenRow.From(token);
        return source.WriteAsync(
            async (connection, transaction) => await connection.ExecuteAsync(InsertToken, row, transaction).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return source.WriteAsync(
            async (connection, transaction) =>
                await connection.ExecuteAsync("DELETE FROM api_tokens WHERE name = CAST(@name AS citext)", new { name }, transaction).ConfigureAwait(false) == 1,
            cancellationToken);
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
        return source.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync("DELETE FROM api_tokens WHERE name = CAST(@name AS citext)", new { name }, transaction).ConfigureAwait(false) != 1)
            {
                return AdministrationOutcome.NotFound;
            }

            await PostgresAudit.AppendAsync(connection, transaction, auditEvent, source.Audit).ConfigureAwait(false);
            return AdministrationOutcome.Done;
        }, cancellationToken);
    }

    private static Task LockEnabledAdministratorsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        connection.ExecuteAsync(LockEnabledAdministrators, new { Role = (long)Role.Administrator }, transaction);

    /// <summary>Throws, so the transaction rolls back, when the change just made left no enabled Administrator.</summary>
    private static async Task EnsureAnAdministratorRemainsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        if (await connection.ExecuteScalarAsync<long>(CountEnabledAdministrators, new { Role = (long)Role.Administrator }, transaction).ConfigureAwait(false) == 0)
        {
            throw new LastAdministratorException();
        }
    }

    private async Task<AdministrationOutcome> RefusingLastAdministratorAsync(
        Func<NpgsqlConnection, NpgsqlTransaction, Task<AdministrationOutcome>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await source.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        }
        catch (LastAdministratorException)
        {
            return AdministrationOutcome.LastAdministrator;
        }
    }

    /// <summary>Runs <paramref name="insert"/> (ON CONFLICT DO NOTHING on a unique name) and, when it added the row, its audit event in the same transaction.</summary>
    private Task<AdministrationOutcome> InsertAuditedAsync<TRow>(string insert, TRow row, AuditEvent auditEvent, CancellationToken cancellationToken) =>
        source.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(insert, row, transaction).ConfigureAwait(false) != 1)
            {
                return AdministrationOutcome.NameTaken;
            }

            await PostgresAudit.AppendAsync(connection, transaction, auditEvent, source.Audit).ConfigureAwait(false);
            return AdministrationOutcome.Done;
        }, cancellationToken);

    /// <summary>Undoes a write that would remove the last enabled Administrator; never leaves the store.</summary>
    private sealed class LastAdministratorException : Exception;

    /// <summary>An accounts row; flags are the schema's 0/1 BIGINTs, so they are longs here and in every parameter.</summary>
    private sealed class AccountRow
    {
        public string UserName { get; init; } = "";

        public long Role { get; init; }

        public string PasswordHash { get; init; } = "";

        public long PasswordSetAt { get; init; }

        public long IsBootstrapPassword { get; init; }

        public long MustChangePassword { get; init; }

        public long FailureCount { get; init; }

        public long? LockedUntil { get; init; }

        public long Disabled { get; init; }

        public long Version { get; init; }

        public static AccountRow From(AdminAccount account) => new()
        {
            UserName = account.UserName,
            Role = (long)account.Role,
            PasswordHash = account.PasswordHash,
            PasswordSetAt = UnixMicroseconds.From(account.PasswordSetAt),
            IsBootstrapPassword = account.IsBootstrapPassword ? 1 : 0,
            MustChangePassword = account.MustChangePassword ? 1 : 0,
            FailureCount = account.FailureCount,
            LockedUntil = UnixMicroseconds.From(account.LockedUntil),
            Disabled = account.Disabled ? 1 : 0,
            Version = account.Version,
        };

        public AdminAccount ToRecord() => new()
        {
            UserName = UserName,
            Role = (Role)Role,
            PasswordHash = PasswordHash,
            PasswordSetAt = UnixMicroseconds.ToDateTimeOffset(PasswordSetAt),
            IsBootstrapPassword = IsBootstrapPassword != 0,
            MustChangePassword = MustChangePassword != 0,
            FailureCount = checked((int)FailureCount),
            LockedUntil = UnixMicroseconds.ToDateTimeOffset(LockedUntil),
            Disabled = Disabled != 0,
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
}

using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;

namespace CertBroker.Storage.Tests;

/// <summary>
/// IAccountStore, IApiTokenStore and IAccountAdministration behaviour every database must show.
/// </summary>
public abstract class AccountStoreTests : StoreTestBase
{
    private IAccountStore Accounts => Store.Accounts;

    private IApiTokenStore Tokens => Store.Tokens;

    private IAccountAdministration Administration => Store.AccountAdministration;

    private IAuditTrail Audit => Store.Audit;

    [Fact]
    public async Task FindAsync_CreatedAccount_ReturnsEveryFieldWhateverTheCase()
    {
        AdminAccount account = Account("Alice") with
        {
            IsBootstrapPassword = true,
            MustChangePassword = true,
            FailureCount = 3,
            LockedUntil = TestData.Now.AddMinutes(15),
            Disabled = true,
        };
        Assert.True(await Accounts.CreateAsync(account, auditEvent: null, CancellationToken.None));

        AdminAccount? found = await Accounts.FindAsync("ALICE", CancellationToken.None);

        Assert.Equal(account with { PasswordSetAt = found!.PasswordSetAt, LockedUntil = found.LockedUntil }, found);
        Assert.Equal(account.PasswordSetAt, found.PasswordSetAt);
        Assert.Equal(account.LockedUntil, found.LockedUntil);
        Assert.Equal(TimeSpan.Zero, found.PasswordSetAt.Offset);
    }

    [Fact]
    public async Task CreateAsync_TakenUserNameInOtherCase_ReturnsFalseAndKeepsFirst()
    {
        Assert.False(await Accounts.AnyAsync(CancellationToken.None));
        Assert.True(await Accounts.CreateAsync(Account("alice"), auditEvent: null, CancellationToken.None));

        Assert.False(await Accounts.CreateAsync(Account("ALICE", Role.Monitoring), auditEvent: null, CancellationToken.None));

        Assert.True(await Accounts.AnyAsync(CancellationToken.None));
        Assert.Equal(Role.Auditor, (await Accounts.FindAsync("alice", CancellationToken.None))!.Role);
    }

    [Fact]
    public async Task CreateAsync_WithAuditEvent_StoresBothOrNeither()
    {
        Assert.True(await Accounts.CreateAsync(Account("admin", Role.Administrator), Event("admin"), CancellationToken.None));
        Assert.False(await Accounts.CreateAsync(Account("Admin", Role.Administrator), Event("Admin"), CancellationToken.None));

        Assert.Equal("admin", Assert.Single(await Audit.ListAsync(new AuditQuery(), CancellationToken.None)).Event.Target);
    }

    [Fact]
    public async Task UpdateAsync_CurrentVersion_AppliesAndBumpsVersion()
    {
        await Accounts.CreateAsync(Account("alice"), auditEvent: null, CancellationToken.None);
        AdminAccount stored = (await Accounts.FindAsync("alice", CancellationToken.None))!;

        Assert.True(await Accounts.UpdateAsync(stored with { FailureCount = 2 }, CancellationToken.None));

        AdminAccount updated = (await Accounts.FindAsync("alice", CancellationToken.None))!;
        Assert.Equal(2, updated.FailureCount);
        Assert.Equal(stored.Version + 1, updated.Version);
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_ReturnsFalseAndWritesNothing()
    {
        await Accounts.CreateAsync(Account("alice"), auditEvent: null, CancellationToken.None);
        AdminAccount stored = (await Accounts.FindAsync("alice", CancellationToken.None))!;
        Assert.True(await Accounts.UpdateAsync(stored with { FailureCount = 1 }, CancellationToken.None));

        Assert.False(await Accounts.UpdateAsync(stored with { FailureCount = 4 }, CancellationToken.None));
        Assert.False(await Accounts.UpdateAsync(Account("nobody"), CancellationToken.None));

        Assert.Equal(1, (await Accounts.FindAsync("alice", CancellationToken.None))!.FailureCount);
    }

    [Fact]
    public async Task CreateAccountAsync_NewAccount_WritesItsAuditEventWithIt()
    {
        Assert.Equal(AdministrationOutcome.Done, await Administration.CreateAccountAsync(Account("alice"), Event("alice"), CancellationToken.None));
        Assert.Equal(AdministrationOutcome.NameTaken, await Administration.CreateAccountAsync(Account("Alice"), Event("Alice"), CancellationToken.None));

        IReadOnlyList<StoredAuditEvent> trail = await Audit.ListAsync(new AuditQuery(), CancellationToken.None);
        Assert.Equal("alice", Assert.Single(trail).Event.Target);
        Assert.Equal(["alice"], (await Administration.ListAccountsAsync(CancellationToken.None)).Select(a => a.UserName));
    }

    [Fact]
    public async Task UpdateAccountAsync_DisablingLastAdministrator_RefusedWithoutTrace()
    {
        await Accounts.CreateAsync(Account("admin", Role.Administrator), auditEvent: null, CancellationToken.None);
        AdminAccount admin = (await Accounts.FindAsync("admin", CancellationToken.None))!;

        AdministrationOutcome disabled = await Administration.UpdateAccountAsync(admin with { Disabled = true }, Event("admin"), CancellationToken.None);
        AdministrationOutcome demoted = await Administration.UpdateAccountAsync(admin with { Role = Role.Auditor }, Event("admin"), CancellationToken.None);

        Assert.Equal(AdministrationOutcome.LastAdministrator, disabled);
        Assert.Equal(AdministrationOutcome.LastAdministrator, demoted);
        Assert.Equal(admin, await Accounts.FindAsync("admin", CancellationToken.None));
        Assert.Equal(0, await Audit.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task UpdateAccountAsync_AnotherAdministratorEnabled_DisablesAndAudits()
    {
        await Accounts.CreateAsync(Account("admin", Role.Administrator), auditEvent: null, CancellationToken.None);
        await Accounts.CreateAsync(Account("second", Role.Administrator), auditEvent: null, CancellationToken.None);
        AdminAccount admin = (await Accounts.FindAsync("admin", CancellationToken.None))!;

        Assert.Equal(AdministrationOutcome.Done, await Administration.UpdateAccountAsync(admin with { Disabled = true }, Event("admin"), CancellationToken.None));
        Assert.Equal(AdministrationOutcome.Conflict, await Administration.UpdateAccountAsync(admin with { Disabled = false }, Event("admin"), CancellationToken.None));

        Assert.True((await Accounts.FindAsync("admin", CancellationToken.None))!.Disabled);
        Assert.Equal(1, await Audit.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAccountAsync_LastEnabledAdministrator_Refused()
    {
        await Accounts.CreateAsync(Account("admin", Role.Administrator), auditEvent: null, CancellationToken.None);
        await Accounts.CreateAsync(Account("dormant", Role.Administrator) with { Disabled = true }, auditEvent: null, CancellationToken.None);
        await Accounts.CreateAsync(Account("alice"), auditEvent: null, CancellationToken.None);

        Assert.Equal(AdministrationOutcome.LastAdministrator, await Administration.DeleteAccountAsync("ADMIN", Event("admin"), CancellationToken.None));
        Assert.Equal(AdministrationOutcome.Done, await Administration.DeleteAccountAsync("alice", Event("alice"), CancellationToken.None));
        Assert.Equal(AdministrationOutcome.NotFound, await Administration.DeleteAccountAsync("alice", Event("alice"), CancellationToken.None));

        Assert.NotNull(await Accounts.FindAsync("admin", CancellationToken.None));
        Assert.Null(await Accounts.FindAsync("alice", CancellationToken.None));
        Assert.Equal("alice", Assert.Single(await Audit.ListAsync(new AuditQuery(), CancellationToken.None)).Event.Target);
    }

    [Fact]
    public async Task DeleteAccountAsync_AccountWithTokens_DeletesItsTokensAndNoOthers()
    {
        await Accounts.CreateAsync(Account("admin", Role.Administrator), auditEvent: null, CancellationToken.None);
        await Accounts.CreateAsync(Account("alice", Role.Administrator), auditEvent: null, CancellationToken.None);
        ApiToken alices = Token("ansible", expiresAt: null) with { Owner = "alice" };
        ApiToken admins = Token("prometheus", expiresAt: null) with { Owner = "admin" };
        Assert.True(await Tokens.CreateAsync(alices, CancellationToken.None));
        Assert.True(await Tokens.CreateAsync(admins, CancellationToken.None));

        Assert.Equal(AdministrationOutcome.Done, await Administration.DeleteAccountAsync("ALICE", Event("alice"), CancellationToken.None));

        Assert.Null(await Tokens.FindBySecretHashAsync(alices.SecretHash, CancellationToken.None));
        Assert.Equal("admin", (await Tokens.FindBySecretHashAsync(admins.SecretHash, CancellationToken.None))!.Owner);
    }

    [Fact]
    public async Task FindBySecretHashAsync_CreatedToken_ReturnsItUntilDeleted()
    {
        ApiToken token = Token("prometheus", TestData.Now.AddDays(30));
        Assert.True(await Tokens.CreateAsync(token, CancellationToken.None));

        ApiToken? found = await Tokens.FindBySecretHashAsync(token.SecretHash, CancellationToken.None);

        Assert.Equal(token.Name, found!.Name);
        Assert.Equal(token.Role, found.Role);
        Assert.Equal(token.CreatedAt, found.CreatedAt);
        Assert.Equal(token.ExpiresAt, found.ExpiresAt);
        Assert.True(await Tokens.DeleteAsync("PROMETHEUS", CancellationToken.None));
        Assert.Null(await Tokens.FindBySecretHashAsync(token.SecretHash, CancellationToken.None));
        Assert.False(await Tokens.DeleteAsync("prometheus", CancellationToken.None));
    }

    [Fact]
    public async Task CreateAsync_TakenTokenName_ReturnsFalse()
    {
        Assert.True(await Tokens.CreateAsync(Token("ci", expiresAt: null), CancellationToken.None));
        Assert.True(await Tokens.CreateAsync(Token("backup", expiresAt: null), CancellationToken.None));

        Assert.False(await Tokens.CreateAsync(Token("CI", expiresAt: null), CancellationToken.None));

        IReadOnlyList<ApiToken> listed = await Tokens.ListAsync(CancellationToken.None);
        Assert.Equal(["backup", "ci"], listed.Select(t => t.Name));
        Assert.All(listed, t => Assert.Null(t.ExpiresAt));
    }

    [Fact]
    public async Task CreateTokenAsync_AndDeleteTokenAsync_AuditInTheSameWrite()
    {
        ApiToken token = Token("ci", expiresAt: null);

        Assert.Equal(AdministrationOutcome.Done, await Administration.CreateTokenAsync(token, Event("token:ci"), CancellationToken.None));
        Assert.Equal(AdministrationOutcome.NameTaken, await Administration.CreateTokenAsync(token, Event("token:ci"), CancellationToken.None));
        Assert.Equal(AdministrationOutcome.Done, await Administration.DeleteTokenAsync("ci", Event("token:ci"), CancellationToken.None));
        Assert.Equal(AdministrationOutcome.NotFound, await Administration.DeleteTokenAsync("ci", Event("token:ci"), CancellationToken.None));

        Assert.Equal(2, await Audit.CountAsync(CancellationToken.None));
        Assert.Empty(await Tokens.ListAsync(CancellationToken.None));
    }

    private static AdminAccount Account(string userName, Role role = Role.Auditor) => new()
    {
        UserName = userName,
        Role = role,
        PasswordHash = "pbkdf2-sha256$100000$c2FsdA==$aGFzaA==",
        PasswordSetAt = TestData.Now,
    };

    private static ApiToken Token(string name, DateTimeOffset? expiresAt)
    {
        string secret = ApiTokenSecret.Generate();
        return new ApiToken
        {
            Name = name,
            Role = Role.Monitoring,
            SecretHash = ApiTokenSecret.Hash(secret),
            CreatedAt = TestData.Now,
            ExpiresAt = expiresAt,
        };
    }

    private static AuditEvent Event(string target) => new()
    {
        Time = TestData.Now,
        Action = AuditActions.AccountChanged,
        Outcome = AuditOutcome.Success,
        Actor = "admin",
        Target = target,
    };
}

using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Core.Profiles;
using CertBroker.Core.Tests.Support;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Accounts;

public sealed class BootstrapAdminTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly InMemoryAccountStore _store = new();
    private readonly PasswordHasher _hasher = new(Options.Create(new PasswordHashingOptions { Iterations = 1_000 }));
    private readonly TempDirectory _dataDir = new();

    public void Dispose() => _dataDir.Dispose();

    [Fact]
    public async Task EnsureAdministratorAsync_NothingConfigured_CreatesAdminWithGeneratedBootstrapPassword()
    {
        BootstrapResult result = await Bootstrap().EnsureAdministratorAsync(CancellationToken.None);

        Assert.Equal(BootstrapOutcome.CreatedWithGeneratedPassword, result.Outcome);
        AdminAccount admin = Assert.IsType<AdminAccount>(_store["admin"]);
        Assert.Equal(Role.Administrator, admin.Role);
        Assert.True(admin.IsBootstrapPassword);
        Assert.Equal(Start, admin.PasswordSetAt);
        Assert.True(_hasher.Verify(Generated(result), admin.PasswordHash));
    }

    [Fact]
    public async Task EnsureAdministratorAsync_GeneratedPassword_SignsInButMustChangeItFirst()
    {
        BootstrapResult result = await Bootstrap().EnsureAdministratorAsync(CancellationToken.None);
        var authenticator = new AccountAuthenticator(
            _store, _hasher, Policy(new PasswordPolicyOptions()), new SignInLockout(new CertBroker.Core.Cluster.MemoryFailureStore(), Options.Create(new LockoutOptions()), _clock));

        AuthenticationResult signIn = await authenticator.AuthenticateAsync("admin", Generated(result), null, CancellationToken.None);

        Assert.True(signIn.Succeeded);
        Assert.True(signIn.MustChangePassword);
        Assert.Equal([AuthenticationWarning.BootstrapPasswordInUse, AuthenticationWarning.PasswordChangeRequired], signIn.Warnings);
    }

    [Fact]
    public async Task EnsureAdministratorAsync_ConfiguredPassword_SignsInWithWarningAndMayUseItAsIs()
    {
        await Bootstrap(new BootstrapAdminOptions { BootstrapPassword = "Initial-Setup-2025" }).EnsureAdministratorAsync(CancellationToken.None);
        var authenticator = new AccountAuthenticator(
            _store, _hasher, Policy(new PasswordPolicyOptions()), new SignInLockout(new CertBroker.Core.Cluster.MemoryFailureStore(), Options.Create(new LockoutOptions()), _clock));

        AuthenticationResult signIn = await authenticator.AuthenticateAsync("admin", "Initial-Setup-2025", null, CancellationToken.None);

        Assert.True(signIn.Succeeded);
        Assert.False(signIn.MustChangePassword);
        Assert.Equal([AuthenticationWarning.BootstrapPasswordInUse], signIn.Warnings);
    }

    [Fact]
    public async Task EnsureAdministratorAsync_NothingConfigured_WritesPasswordToOwnerOnlyFileInDataDir()
    {
        BootstrapResult result = await Bootstrap().EnsureAdministratorAsync(CancellationToken.None);

        Assert.Equal(_dataDir.File("bootstrap-admin-password"), result.PasswordFile);
        Assert.Equal(Generated(result) + "\n", await File.ReadAllTextAsync(result.PasswordFile!));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(result.PasswordFile!));
        }

        Assert.Single(Directory.GetFiles(_dataDir.Path));
    }

    [Fact]
    public async Task EnsureAdministratorAsync_WorldReadableFileLeftFromEarlierInstall_IsReplacedByOwnerOnlyFile()
    {
        string path = _dataDir.File("bootstrap-admin-password");
        await File.WriteAllTextAsync(path, "old password\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        BootstrapResult result = await Bootstrap().EnsureAdministratorAsync(CancellationToken.None);

        Assert.Equal(Generated(result) + "\n", await File.ReadAllTextAsync(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task EnsureAdministratorAsync_FileConfiguredInMissingDirectory_CreatesOwnerOnlyDirectory()
    {
        var options = new BootstrapAdminOptions { BootstrapPasswordFile = Path.Combine("secrets", "admin.txt") };

        BootstrapResult result = await Bootstrap(options).EnsureAdministratorAsync(CancellationToken.None);

        Assert.Equal(_dataDir.File(Path.Combine("secrets", "admin.txt")), result.PasswordFile);
        Assert.True(File.Exists(result.PasswordFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                File.GetUnixFileMode(_dataDir.File("secrets")));
        }
    }

    [Fact]
    public async Task EnsureAdministratorAsync_AbsoluteFilePath_IsUsedAsGiven()
    {
        using var elsewhere = new TempDirectory();
        var options = new BootstrapAdminOptions { BootstrapPasswordFile = elsewhere.File("admin-password") };

        BootstrapResult result = await Bootstrap(options).EnsureAdministratorAsync(CancellationToken.None);

        Assert.Equal(elsewhere.File("admin-password"), result.PasswordFile);
        Assert.True(File.Exists(result.PasswordFile));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(32)]
    public async Task EnsureAdministratorAsync_GeneratedPassword_PassesThePolicy(int minimumLength)
    {
        var policyOptions = new PasswordPolicyOptions { MinimumLength = minimumLength };

        BootstrapResult result = await Bootstrap(policy: policyOptions).EnsureAdministratorAsync(CancellationToken.None);

        Assert.Empty(Policy(policyOptions).Evaluate(Generated(result)));
        Assert.True(Generated(result).Length >= Math.Max(20, minimumLength));
    }

    [Fact]
    public void Generate_ManyPasswords_AllPassTheDefaultPolicyAndDiffer()
    {
        PasswordPolicy policy = Policy(new PasswordPolicyOptions());
        var generator = new RandomPasswordGenerator(policy);

        string[] passwords = [.. Enumerable.Range(0, 500).Select(_ => generator.Generate())];

        Assert.All(passwords, p => Assert.Empty(policy.Evaluate(p)));
        Assert.Equal(passwords.Length, passwords.Distinct().Count());
    }

    [Theory]
    [InlineData(null, "generated password")]
    [InlineData("Configured-Bootstrap-1", "configured bootstrap password")]
    public async Task EnsureAdministratorAsync_CreatesAdmin_AuditEventStoredWithTheAccount(string? configured, string detailsMention)
    {
        BootstrapResult result = await Bootstrap(new BootstrapAdminOptions { BootstrapPassword = configured }).EnsureAdministratorAsync(CancellationToken.None);

        AuditEvent stored = Assert.Single(_store.AuditEvents);
        Assert.Same(stored, result.AuditEvent);
        Assert.Equal((AuditActions.BootstrapAdminCreated, "system", "admin"), (stored.Action, stored.Actor, stored.Target));
        Assert.Contains(detailsMention, stored.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(configured ?? Generated(result), stored.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureAdministratorAsync_PasswordConfigured_CreatesAdminWithItAndWritesNoFile()
    {
        var options = new BootstrapAdminOptions { BootstrapPassword = "Initial-Setup-2025" };

        BootstrapResult result = await Bootstrap(options).EnsureAdministratorAsync(CancellationToken.None);

        Assert.Equal(BootstrapOutcome.CreatedWithConfiguredPassword, result.Outcome);
        Assert.Null(result.PasswordFile);
        Assert.Empty(result.ConfiguredPasswordViolations);
        AdminAccount admin = _store["admin"]!;
        Assert.True(_hasher.Verify("Initial-Setup-2025", admin.PasswordHash));
        Assert.True(admin.IsBootstrapPassword);
        Assert.Empty(Directory.GetFiles(_dataDir.Path));
    }

    [Fact]
    public async Task EnsureAdministratorAsync_ConfiguredPasswordBreaksPolicy_IsUsedAndTheViolationsReported()
    {
        var options = new BootstrapAdminOptions { BootstrapPassword = "changeme" };

        BootstrapResult result = await Bootstrap(options).EnsureAdministratorAsync(CancellationToken.None);

        Assert.Equal(BootstrapOutcome.CreatedWithConfiguredPassword, result.Outcome);
        Assert.True(_hasher.Verify("changeme", _store["admin"]!.PasswordHash));
        Assert.Equal(
            [MinimumLengthRule.Name, RequiresUpperCaseRule.Name, RequiresDigitRule.Name, RequiresSymbolRule.Name],
            result.ConfiguredPasswordViolations.Select(v => v.Rule));
    }

    [Fact]
    public async Task EnsureAdministratorAsync_EmptyConfiguredPassword_GeneratesOne()
    {
        var options = new BootstrapAdminOptions { BootstrapPassword = string.Empty };

        BootstrapResult result = await Bootstrap(options).EnsureAdministratorAsync(CancellationToken.None);

        Assert.Equal(BootstrapOutcome.CreatedWithGeneratedPassword, result.Outcome);
    }

    [Fact]
    public async Task EnsureAdministratorAsync_AccountsExist_ChangesNothing()
    {
        _store.Put(new AdminAccount
        {
            UserName = "alice", Role = Role.Auditor, PasswordHash = _hasher.Hash("x"), PasswordSetAt = Start,
        });

        BootstrapResult result = await Bootstrap().EnsureAdministratorAsync(CancellationToken.None);

        Assert.Equal(BootstrapOutcome.AccountsExist, result.Outcome);
        Assert.Null(_store["admin"]);
        Assert.False(result.ConfiguredPasswordIgnored);
        Assert.Empty(Directory.GetFiles(_dataDir.Path));
    }

    [Fact]
    public async Task EnsureAdministratorAsync_AccountsExistAndPasswordStillConfigured_SaysItWasIgnored()
    {
        await Bootstrap(new BootstrapAdminOptions { BootstrapPassword = "Initial-Setup-2025" }).EnsureAdministratorAsync(CancellationToken.None);

        BootstrapResult second = await Bootstrap(new BootstrapAdminOptions { BootstrapPassword = "Other-Setup-2026" })
            .EnsureAdministratorAsync(CancellationToken.None);

        Assert.Equal(BootstrapOutcome.AccountsExist, second.Outcome);
        Assert.True(second.ConfiguredPasswordIgnored);
        Assert.True(_hasher.Verify("Initial-Setup-2025", _store["admin"]!.PasswordHash));
    }

    [Fact]
    public async Task EnsureAdministratorAsync_AnotherInstanceCreatesAdminFirst_LeavesNoPasswordFile()
    {
        var racing = new RacingStore(_store);

        BootstrapResult result = await Bootstrap(store: racing).EnsureAdministratorAsync(CancellationToken.None);

        Assert.Equal(BootstrapOutcome.AccountsExist, result.Outcome);
        Assert.Null(result.PasswordFile);
        Assert.Empty(Directory.GetFiles(_dataDir.Path));
    }

    [Fact]
    public async Task ToString_Result_LeavesOutTheGeneratedPassword()
    {
        BootstrapResult result = await Bootstrap().EnsureAdministratorAsync(CancellationToken.None);

        Assert.DoesNotContain(Generated(result), result.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The generated password, from the one place it is written.</summary>
    private static string Generated(BootstrapResult result) => File.ReadAllText(result.PasswordFile!).TrimEnd('\n');

    private PasswordPolicy Policy(PasswordPolicyOptions options) => new(Options.Create(options), _clock);

    private BootstrapAdmin Bootstrap(BootstrapAdminOptions? options = null, PasswordPolicyOptions? policy = null, IAccountStore? store = null) =>
        new(
            store ?? _store,
            _hasher,
            Policy(policy ?? new PasswordPolicyOptions()),
            Options.Create(options ?? new BootstrapAdminOptions()),
            Options.Create(new BrokerOptions { DataDir = _dataDir.Path }),
            _clock);

    /// <summary>Reports no accounts, then finds the user name taken: another instance bootstrapped in between.</summary>
    private sealed class RacingStore(InMemoryAccountStore inner) : IAccountStore
    {
        public Task<AdminAccount?> FindAsync(string userName, CancellationToken cancellationToken) => inner.FindAsync(userName, cancellationToken);

        public Task<bool> AnyAsync(CancellationToken cancellationToken) => Task.FromResult(false);

        public Task<bool> CreateAsync(AdminAccount account, AuditEvent? auditEvent, CancellationToken cancellationToken) => Task.FromResult(false);

        public Task<bool> UpdateAsync(AdminAccount account, CancellationToken cancellationToken) => inner.UpdateAsync(account, cancellationToken);
    }
}

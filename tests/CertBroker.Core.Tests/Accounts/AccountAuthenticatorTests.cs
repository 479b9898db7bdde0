using CertBroker.Core.Accounts;
using CertBroker.Core.Tests.Support;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Accounts;

public sealed class AccountAuthenticatorTests
{
    private const string Password = "Correct-Horse-7";
    private const string Home = "192.0.2.10";
    private const string Elsewhere = "203.0.113.66";
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly InMemoryAccountStore _store = new();
    private readonly PasswordHasher _hasher = Hasher(1_000);
    private SignInLockout? _lockout;

    [Fact]
    public async Task AuthenticateAsync_RightPassword_SignsInWithRoleAndNoWarnings()
    {
        AddAccount("auditor", Role.Auditor);

        AuthenticationResult result = await Authenticator().AuthenticateAsync("auditor", Password, Home, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(Role.Auditor, result.Role);
        Assert.Empty(result.Warnings);
        Assert.False(result.MustChangePassword);
    }

    [Fact]
    public async Task AuthenticateAsync_UserNameInOtherCase_SignsInAsStoredName()
    {
        AddAccount("admin");

        AuthenticationResult result = await Authenticator().AuthenticateAsync("Admin", Password, Home, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("admin", result.UserName);
    }

    [Fact]
    public async Task AuthenticateAsync_WrongPassword_FailsAndCountsTheFailure()
    {
        AddAccount("admin");

        AuthenticationResult result = await Authenticator().AuthenticateAsync("admin", "wrong", Home, CancellationToken.None);

        Assert.Equal(AuthenticationStatus.Failed, result.Status);
        Assert.Equal(AuthenticationFailure.WrongPassword, result.Failure);
        Assert.Null(result.Role);
        Assert.Equal(1, (await _lockout!.StatusAsync("admin", CancellationToken.None)).RecentFailures);
        Assert.Equal(0, _store.Updates);
    }

    [Fact]
    public async Task AuthenticateAsync_UnknownUser_FailsAndWritesNothing()
    {
        AddAccount("admin");

        AuthenticationResult result = await Authenticator().AuthenticateAsync("root", Password, Home, CancellationToken.None);

        Assert.Equal(AuthenticationStatus.Failed, result.Status);
        Assert.Equal(AuthenticationFailure.UnknownUser, result.Failure);
        Assert.Equal(0, _store.Updates);
    }

    [Fact]
    public async Task AuthenticateAsync_UnknownUser_RunsTheSameKeyDerivationAsWrongPassword()
    {
        PasswordHasher hasher = Hasher(100_000);
        _store.Put(Account("admin", Role.Administrator, hasher.Hash(Password)));
        AccountAuthenticator authenticator = Authenticator(hasher: hasher);

        long before = hasher.IterationsRun;
        await authenticator.AuthenticateAsync("admin", "wrong", Home, CancellationToken.None);
        long wrongPassword = hasher.IterationsRun - before;
        before = hasher.IterationsRun;
        AuthenticationResult unknown = await authenticator.AuthenticateAsync("nobody", "wrong", Home, CancellationToken.None);
        long unknownUser = hasher.IterationsRun - before;

        // The time a sign-in takes is the key derivation it runs: the same work means no timing tells a missing account.
        Assert.Equal(AuthenticationFailure.UnknownUser, unknown.Failure);
        Assert.Equal(100_000, wrongPassword);
        Assert.Equal(wrongPassword, unknownUser);
    }

    [Fact]
    public async Task AuthenticateAsync_DefaultLockoutTimeline_LocksAfterFiveFailuresForFifteenMinutesThenResetsOnSuccess()
    {
        AddAccount("admin");
        AccountAuthenticator authenticator = Authenticator();

        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(AuthenticationFailure.WrongPassword, (await authenticator.AuthenticateAsync("admin", "wrong", Home, CancellationToken.None)).Failure);
        }

        AuthenticationResult fifth = await authenticator.AuthenticateAsync("admin", "wrong", Home, CancellationToken.None);
        Assert.Equal(AuthenticationStatus.LockedOut, fifth.Status);
        Assert.Equal(Start.AddMinutes(15), fifth.LockedUntil);

        // Locked: even the right password is refused, until the lockout ends.
        _clock.Advance(TimeSpan.FromMinutes(14));
        AuthenticationResult whileLocked = await authenticator.AuthenticateAsync("admin", Password, Home, CancellationToken.None);
        Assert.Equal(AuthenticationStatus.LockedOut, whileLocked.Status);
        Assert.Equal(Start.AddMinutes(15), whileLocked.LockedUntil);

        _clock.Advance(TimeSpan.FromMinutes(1));
        await authenticator.AuthenticateAsync("admin", "wrong", Home, CancellationToken.None);
        Assert.True((await authenticator.AuthenticateAsync("admin", Password, Home, CancellationToken.None)).Succeeded);

        // The failure before the success is forgotten: four more do not lock.
        for (int i = 0; i < 4; i++)
        {
            await authenticator.AuthenticateAsync("admin", "wrong", Home, CancellationToken.None);
        }

        Assert.True((await authenticator.AuthenticateAsync("admin", Password, Home, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task AuthenticateAsync_OneAccountLockedOut_OtherAccountsStillSignIn()
    {
        AddAccount("admin");
        AddAccount("secadmin", Role.SecurityAdministrator);
        AccountAuthenticator authenticator = Authenticator();

        for (int i = 0; i < 5; i++)
        {
            await authenticator.AuthenticateAsync("admin", "wrong", Home, CancellationToken.None);
        }

        Assert.Equal(AuthenticationStatus.LockedOut, (await authenticator.AuthenticateAsync("admin", Password, Home, CancellationToken.None)).Status);
        Assert.True((await authenticator.AuthenticateAsync("secadmin", Password, Home, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task AuthenticateAsync_ConfiguredLockout_IsHonoured()
    {
        AddAccount("admin");
        AccountAuthenticator authenticator = Authenticator(lockout: new LockoutOptions { Threshold = 2, DurationMinutes = 1 });

        await authenticator.AuthenticateAsync("admin", "wrong", Home, CancellationToken.None);
        AuthenticationResult second = await authenticator.AuthenticateAsync("admin", "wrong", Home, CancellationToken.None);

        Assert.Equal(Start.AddMinutes(1), second.LockedUntil);
    }

    [Fact]
    public async Task AuthenticateAsync_BootstrapPasswordInUse_SignsInWithWarning()
    {
        _store.Put(Account("admin") with { IsBootstrapPassword = true });

        AuthenticationResult result = await Authenticator().AuthenticateAsync("admin", Password, Home, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal([AuthenticationWarning.BootstrapPasswordInUse], result.Warnings);
        Assert.Equal(
            "This account still uses the bootstrap password set at first start. Change it now.",
            result.Warnings[0].ToMessage());
        Assert.False(result.MustChangePassword);
    }

    [Fact]
    public async Task AuthenticateAsync_PasswordOlderThanValidityPeriod_SignsInOnlyToChangeIt()
    {
        AddAccount("admin");
        AccountAuthenticator authenticator = Authenticator(policy: new PasswordPolicyOptions { ValidityDays = 90 });

        _clock.Advance(TimeSpan.FromDays(89));
        Assert.Empty((await authenticator.AuthenticateAsync("admin", Password, Home, CancellationToken.None)).Warnings);

        _clock.Advance(TimeSpan.FromDays(1));
        AuthenticationResult result = await authenticator.AuthenticateAsync("admin", Password, Home, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal([AuthenticationWarning.PasswordExpired], result.Warnings);
        Assert.True(result.MustChangePassword);
    }

    [Fact]
    public async Task AuthenticateAsync_PasswordSetByAdministrator_SignsInOnlyToChangeIt()
    {
        _store.Put(Account("operator") with { MustChangePassword = true });

        AuthenticationResult result = await Authenticator().AuthenticateAsync("operator", Password, Home, CancellationToken.None);

        Assert.Equal([AuthenticationWarning.PasswordChangeRequired], result.Warnings);
        Assert.True(result.MustChangePassword);
    }

    [Fact]
    public async Task AuthenticateAsync_DisabledAccount_RefusedEvenWithRightPassword()
    {
        _store.Put(Account("admin") with { Disabled = true });

        AuthenticationResult result = await Authenticator().AuthenticateAsync("admin", Password, Home, CancellationToken.None);

        Assert.Equal(AuthenticationStatus.Failed, result.Status);
        Assert.Equal(AuthenticationFailure.AccountDisabled, result.Failure);
    }

    [Fact]
    public async Task AuthenticateAsync_HashWithFewerIterationsThanConfigured_IsUpgradedAndStillWorks()
    {
        _store.Put(Account("admin", Role.Administrator, Hasher(500).Hash(Password)));
        AccountAuthenticator authenticator = Authenticator();

        Assert.True((await authenticator.AuthenticateAsync("admin", Password, Home, CancellationToken.None)).Succeeded);

        Assert.False(_hasher.NeedsRehash(_store["admin"]!.PasswordHash));
        Assert.True((await authenticator.AuthenticateAsync("admin", Password, Home, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task AuthenticateAsync_CleanSuccess_WritesNothing()
    {
        AddAccount("admin");

        await Authenticator().AuthenticateAsync("admin", Password, Home, CancellationToken.None);

        Assert.Equal(0, _store.Updates);
    }

    [Fact]
    public void ToString_Account_LeavesOutThePasswordHash()
    {
        AdminAccount account = Account("admin");

        Assert.DoesNotContain(account.PasswordHash, account.ToString(), StringComparison.Ordinal);
        Assert.Contains("UserName = admin", account.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_OneSourceLockedOut_RightPasswordFromAnotherSourceSignsIn()
    {
        AddAccount("admin");
        AccountAuthenticator authenticator = Authenticator();

        await FailAsync(authenticator, "admin", Elsewhere, 5);

        Assert.Equal(AuthenticationStatus.LockedOut, (await authenticator.AuthenticateAsync("admin", Password, Elsewhere, CancellationToken.None)).Status);
        Assert.True((await authenticator.AuthenticateAsync("admin", Password, Home, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task AuthenticateAsync_LockedOutUnknownAndWrong_RunTheSameKeyDerivation()
    {
        PasswordHasher hasher = Hasher(100_000);
        _store.Put(Account("admin", Role.Administrator, hasher.Hash(Password)));
        AccountAuthenticator authenticator = Authenticator(hasher: hasher);
        await FailAsync(authenticator, "admin", Elsewhere, 5);

        long locked = await IterationsAsync(hasher, () => authenticator.AuthenticateAsync("admin", Password, Elsewhere, CancellationToken.None));
        long unknown = await IterationsAsync(hasher, () => authenticator.AuthenticateAsync("nobody", "wrong", Home, CancellationToken.None));
        long wrong = await IterationsAsync(hasher, () => authenticator.AuthenticateAsync("admin", "wrong", Home, CancellationToken.None));

        // The time a sign-in takes is the key derivation it runs: a locked account answering at once told it apart.
        Assert.Equal(100_000, wrong);
        Assert.Equal(wrong, unknown);
        Assert.Equal(wrong, locked);
    }

    [Fact]
    public async Task AuthenticateAsync_UnknownNameGuessedRepeatedly_LocksOutAsAnAccountWould()
    {
        AddAccount("admin");
        AccountAuthenticator authenticator = Authenticator();

        await FailAsync(authenticator, "nobody", Elsewhere, 4);
        AuthenticationResult fifth = await authenticator.AuthenticateAsync("nobody", "wrong", Elsewhere, CancellationToken.None);

        Assert.Equal(AuthenticationStatus.LockedOut, fifth.Status);
        Assert.Equal(Start.AddMinutes(15), fifth.LockedUntil);
    }

    [Fact]
    public async Task AuthenticateAsync_AccountUnderAttackFromManySources_FailedSourcesSlowedDownOwnerStillSignsIn()
    {
        AddAccount("admin");
        AccountAuthenticator authenticator = Authenticator(lockout: new LockoutOptions { SlowDownThreshold = 20, SlowDownSeconds = 5 });
        for (int i = 0; i < 10; i++)
        {
            await FailAsync(authenticator, "admin", $"198.51.100.{i}", 2);
        }

        // The failed sources share one attempt per interval; the first takes it.
        AuthenticationResult admitted = await authenticator.AuthenticateAsync("admin", "guess", "198.51.100.3", CancellationToken.None);
        long before = _hasher.IterationsRun;
        AuthenticationResult slowed = await authenticator.AuthenticateAsync("admin", "guess", "198.51.100.4", CancellationToken.None);
        long slowedCost = _hasher.IterationsRun - before;
        AuthenticationResult owner = await authenticator.AuthenticateAsync("admin", Password, Home, CancellationToken.None);

        Assert.Equal(AuthenticationFailure.WrongPassword, admitted.Failure);
        Assert.Equal(AuthenticationStatus.SlowedDown, slowed.Status);
        Assert.Equal(TimeSpan.FromSeconds(5), slowed.RetryAfter);
        Assert.Equal(0, slowedCost);
        Assert.True(owner.Succeeded);
    }

    private static async Task<long> IterationsAsync(PasswordHasher hasher, Func<Task<AuthenticationResult>> signIn)
    {
        long before = hasher.IterationsRun;
        await signIn();
        return hasher.IterationsRun - before;
    }

    private static async Task FailAsync(AccountAuthenticator authenticator, string userName, string source, int times)
    {
        for (int i = 0; i < times; i++)
        {
            await authenticator.AuthenticateAsync(userName, "Wrong-" + i, source, CancellationToken.None);
        }
    }

    private static PasswordHasher Hasher(int iterations) =>
        new(Options.Create(new PasswordHashingOptions { Iterations = iterations }));

    private void AddAccount(string userName, Role role = Role.Administrator) => _store.Put(Account(userName, role));

    private AdminAccount Account(string userName, Role role = Role.Administrator, string? passwordHash = null) => new()
    {
        UserName = userName,
        Role = role,
        PasswordHash = passwordHash ?? _hasher.Hash(Password),
        PasswordSetAt = Start,
    };

    private AccountAuthenticator Authenticator(
        PasswordHasher? hasher = null,
        LockoutOptions? lockout = null,
        PasswordPolicyOptions? policy = null) =>
        new(
            _store,
            hasher ?? _hasher,
            new PasswordPolicy(Options.Create(policy ?? new PasswordPolicyOptions()), _clock),
            _lockout = new SignInLockout(new CertBroker.Core.Cluster.MemoryFailureStore(), Options.Create(lockout ?? new LockoutOptions()), _clock));
}

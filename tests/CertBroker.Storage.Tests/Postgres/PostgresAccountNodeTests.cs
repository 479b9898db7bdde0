using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Storage.Postgres;

namespace CertBroker.Storage.Tests.Postgres;

/// <summary>
/// Account guarantees across nodes: two <see cref="PostgresStores"/> over one database behave as two broker processes,
/// so only PostgreSQL's own checks keep them consistent.
/// </summary>
public sealed class PostgresAccountNodeTests : IAsyncLifetime
{
    private const int Threshold = 10;

    private readonly PostgresHarness _harness = new();

    private PostgresStores _first = null!;

    private PostgresStores _second = null!;

    public async Task InitializeAsync()
    {
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        _first = _harness.CreateStores();
        _second = _harness.CreateStores();
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task UpdateAsync_ConcurrentFailedSignInsOnTwoNodes_CountsEachOnceAndLocksOutOnce()
    {
        Assert.True(await _first.Accounts.CreateAsync(Account("alice", Role.Auditor), auditEvent: null, CancellationToken.None));
        const int failures = 40;

        bool[] imposedLockout = await Task.WhenAll(Enumerable.Range(0, failures)
            .Select(i => Task.Run(() => RecordFailureAsync(i % 2 == 0 ? _first.Accounts : _second.Accounts, "ALICE"))));

        AdminAccount onFirst = (await _first.Accounts.FindAsync("alice", CancellationToken.None))!;
        AdminAccount onSecond = (await _second.Accounts.FindAsync("alice", CancellationToken.None))!;
        Assert.Equal(failures, onFirst.FailureCount);
        Assert.Equal(failures, onFirst.Version);
        Assert.Single(imposedLockout, imposed => imposed);
        Assert.Equal(TestData.Now.AddMinutes(15), onFirst.LockedUntil);
        Assert.Equal(onFirst, onSecond);
    }

    [Fact]
    public async Task UpdateAccountAsync_TwoNodesDisablingTheLastTwoAdministratorsAtOnce_OneRemainsEnabled()
    {
        await _first.Accounts.CreateAsync(Account("admin", Role.Administrator), auditEvent: null, CancellationToken.None);
        await _first.Accounts.CreateAsync(Account("second", Role.Administrator), auditEvent: null, CancellationToken.None);
        for (int round = 0; round < 10; round++)
        {
            AdminAccount admin = (await _first.Accounts.FindAsync("admin", CancellationToken.None))!;
            AdminAccount second = (await _second.Accounts.FindAsync("second", CancellationToken.None))!;

            AdministrationOutcome[] outcomes = await Task.WhenAll(
                Task.Run(() => _first.Accounts.UpdateAccountAsync(admin with { Disabled = true }, Event("admin"), CancellationToken.None)),
                Task.Run(() => _second.Accounts.UpdateAccountAsync(second with { Disabled = true }, Event("second"), CancellationToken.None)));

            Assert.Equal([AdministrationOutcome.Done, AdministrationOutcome.LastAdministrator], outcomes.Order());
            IReadOnlyList<AdminAccount> accounts = await _second.Accounts.ListAccountsAsync(CancellationToken.None);
            AdminAccount disabled = Assert.Single(accounts, a => a.Disabled);
            Assert.Equal(AdministrationOutcome.Done, await _first.Accounts.UpdateAccountAsync(
                disabled with { Disabled = false }, Event(disabled.UserName), CancellationToken.None));
        }
    }

    [Fact]
    public async Task CreateAccountAsync_SameNameOnTwoNodesAtOnce_OneWinsWithOneAuditEvent()
    {
        AdministrationOutcome[] outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            (i % 2 == 0 ? _first : _second).Accounts.CreateAccountAsync(
                Account(i % 2 == 0 ? "bob" : "BOB", Role.Auditor), Event("bob"), CancellationToken.None))));

        Assert.Single(outcomes, o => o == AdministrationOutcome.Done);
        Assert.All(outcomes.Where(o => o != AdministrationOutcome.Done), o => Assert.Equal(AdministrationOutcome.NameTaken, o));
        Assert.Equal(1, await _second.Audit.CountAsync(CancellationToken.None));
    }

    /// <summary>
    /// One failed sign-in recorded as a caller of <see cref="IAccountStore.UpdateAsync"/> must: read, count, write
    /// back under the version read, and read again when another writer came first.
    /// </summary>
    /// <returns>Whether this failure was the one that reached the threshold.</returns>
    private static async Task<bool> RecordFailureAsync(IAccountStore store, string userName)
    {
        while (true)
        {
            AdminAccount account = (await store.FindAsync(userName, CancellationToken.None))!;
            int count = account.FailureCount + 1;
            bool reachesThreshold = count == Threshold;
            AdminAccount failed = account with
            {
                FailureCount = count,
                LockedUntil = reachesThreshold ? TestData.Now.AddMinutes(15) : account.LockedUntil,
            };
            if (await store.UpdateAsync(failed, CancellationToken.None))
            {
                return reachesThreshold;
            }
        }
    }

    private static AdminAccount Account(string userName, Role role) => new()
    {
        UserName = userName,
        Role = role,
        PasswordHash = "pbkdf2-sha256$100000$c2FsdA==$aGFzaA==",
        PasswordSetAt = TestData.Now,
    };

    private static AuditEvent Event(string target) => new()
    {
        Time = TestData.Now,
        Action = AuditActions.AccountChanged,
        Outcome = AuditOutcome.Success,
        Actor = "admin",
        Target = target,
    };
}

using CertBroker.Storage.Migrations;

namespace CertBroker.Storage.Tests;

/// <summary>IStoreMigrator behaviour every database must show; each test starts from an empty database.</summary>
public abstract class StoreMigratorTests : IAsyncLifetime
{
    private StoreHarness? _harness;

    protected StoreHarness Harness => _harness ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>The schema version the build under test ends at.</summary>
    protected abstract int LatestVersion { get; }

    public Task InitializeAsync()
    {
        _harness = CreateHarness();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task MigrateAsync_EmptyDatabase_ReachesLatestVersionAndStoreWorks()
    {
        var version = await Harness.CreateMigrator().MigrateAsync(CancellationToken.None);

        Assert.Equal(LatestVersion, version);
        var store = Harness.CreateStore();
        var transaction = TestData.Transaction();
        Assert.True(await store.Enrolments.SaveTransactionAsync(transaction, CancellationToken.None));
    }

    [Fact]
    public async Task MigrateAsync_RunAgain_IsNoOpAndKeepsData()
    {
        await Harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        var store = Harness.CreateStore();
        var transaction = TestData.Transaction();
        await store.Enrolments.SaveTransactionAsync(transaction, CancellationToken.None);

        var version = await Harness.CreateMigrator().MigrateAsync(CancellationToken.None);

        Assert.Equal(LatestVersion, version);
        var found = await Harness.CreateStore().Enrolments.FindTransactionAsync(
            transaction.Profile, transaction.TransactionId, CancellationToken.None);
        RecordAssert.SameTransaction(transaction, found);
    }

    [Fact]
    public async Task MigrateAsync_TwoInstancesStartingTogether_BothReachLatestVersion()
    {
        var first = Harness.CreateMigrator();
        var second = Harness.CreateMigrator();

        var versions = await Task.WhenAll(
            Task.Run(() => first.MigrateAsync(CancellationToken.None)),
            Task.Run(() => second.MigrateAsync(CancellationToken.None)));

        Assert.Equal([LatestVersion, LatestVersion], versions);
    }

    [Fact]
    public async Task MigrateAsync_DatabaseFromNewerBuild_RefusesWithBothVersions()
    {
        await Harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        await Harness.SetSchemaVersionAsync(LatestVersion + 1);

        var exception = await Assert.ThrowsAsync<SchemaTooNewException>(
            () => Harness.CreateMigrator().MigrateAsync(CancellationToken.None));

        Assert.Equal(LatestVersion + 1, exception.DatabaseVersion);
        Assert.Equal(LatestVersion, exception.SupportedVersion);
        Assert.Contains($"version {LatestVersion + 1}", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreCall_DatabaseFromNewerBuild_RefusesToWrite()
    {
        await Harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        await Harness.SetSchemaVersionAsync(LatestVersion + 1);

        await Assert.ThrowsAsync<SchemaTooNewException>(() => Harness.CreateStore().Enrolments
            .SaveTransactionAsync(TestData.Transaction(), CancellationToken.None));
    }

    [Fact]
    public async Task StoreCall_DatabaseNeverMigrated_ThrowsAskingForMigration()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => Harness.CreateStore().Enrolments
            .SaveTransactionAsync(TestData.Transaction(), CancellationToken.None));

        Assert.Contains("MigrateAsync", exception.Message, StringComparison.Ordinal);
    }

    protected abstract StoreHarness CreateHarness();
}

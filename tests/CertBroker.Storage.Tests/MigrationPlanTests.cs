using CertBroker.Storage.Migrations;

namespace CertBroker.Storage.Tests;

public sealed class MigrationPlanTests
{
    private static readonly MigrationScript[] Scripts =
    [
        new(1, "initial", "-- 1"),
        new(2, "add_renewals", "-- 2"),
        new(3, "add_audit", "-- 3"),
    ];

    [Fact]
    public void Pending_EmptyDatabase_ReturnsAllInOrder()
    {
        Assert.Equal([1, 2, 3], MigrationPlan.Pending(Scripts, 0).Select(s => s.Version));
    }

    [Fact]
    public void Pending_PartlyMigrated_ReturnsOnlyNewerScripts()
    {
        Assert.Equal([3], MigrationPlan.Pending(Scripts, 2).Select(s => s.Version));
    }

    [Fact]
    public void Pending_UpToDate_ReturnsNothing()
    {
        Assert.Empty(MigrationPlan.Pending(Scripts, 3));
    }

    [Fact]
    public void Pending_DatabaseNewerThanBuild_ThrowsNamingBothVersions()
    {
        var exception = Assert.Throws<SchemaTooNewException>(() => MigrationPlan.Pending(Scripts, 4));

        Assert.Contains("version 4", exception.Message, StringComparison.Ordinal);
        Assert.Contains("up to 3", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StorageAssembly_FindsContiguousSqliteScripts()
    {
        var scripts = EmbeddedMigrations.Load(
            typeof(CertBroker.Storage.Sqlite.SqliteMigrator).Assembly, "CertBroker.Storage.Sqlite.Migrations.");

        Assert.Equal(Enumerable.Range(1, scripts.Count), scripts.Select(s => s.Version));
        Assert.Equal("initial", scripts[0].Name);
        Assert.Contains("CREATE TABLE transactions", scripts[0].Sql, StringComparison.Ordinal);
    }
}

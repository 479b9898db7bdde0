using CertBroker.Storage.Sqlite;

namespace CertBroker.Storage.Tests.Sqlite;

// The cluster-state store tests on SQLite: each node is a data source of its own on the same file.

public sealed class SqliteCrlStoreTests : CrlStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();

    protected override ClusterNode CreateNode() => SqliteClusterNode.Create(Harness);
}

public sealed class SqliteFailureStoreTests : FailureStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();

    protected override ClusterNode CreateNode() => SqliteClusterNode.Create(Harness);
}

public sealed class SqliteLeaseStoreTests : LeaseStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();

    protected override ClusterNode CreateNode() => SqliteClusterNode.Create(Harness);
}

public sealed class SqliteInstallationStoreTests : InstallationStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();

    protected override ClusterNode CreateNode() => SqliteClusterNode.Create(Harness);
}

internal static class SqliteClusterNode
{
    public static ClusterNode Create(StoreHarness harness)
    {
        SqliteDataSource source = ((SqliteHarness)harness).CreateStores().Source;
        return new ClusterNode(new SqliteCrlStore(source), new SqliteFailureStore(source), new SqliteLeaseStore(source), new SqliteInstallationStore(source));
    }
}

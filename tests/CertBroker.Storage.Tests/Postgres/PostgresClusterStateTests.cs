using CertBroker.Storage.Postgres;

namespace CertBroker.Storage.Tests.Postgres;

// The cluster-state store tests on PostgreSQL: each node is a data source of its own on the same database.

public sealed class PostgresCrlStoreTests : CrlStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();

    protected override ClusterNode CreateNode() => PostgresClusterNode.Create(Harness);
}

public sealed class PostgresFailureStoreTests : FailureStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();

    protected override ClusterNode CreateNode() => PostgresClusterNode.Create(Harness);
}

public sealed class PostgresLeaseStoreTests : LeaseStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();

    protected override ClusterNode CreateNode() => PostgresClusterNode.Create(Harness);
}

public sealed class PostgresInstallationStoreTests : InstallationStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();

    protected override ClusterNode CreateNode() => PostgresClusterNode.Create(Harness);
}

internal static class PostgresClusterNode
{
    public static ClusterNode Create(StoreHarness harness)
    {
        PostgresDataSource source = ((PostgresHarness)harness).CreateStores().Source;
        return new ClusterNode(new PostgresCrlStore(source), new PostgresFailureStore(source), new PostgresLeaseStore(source), new PostgresInstallationStore(source));
    }
}

namespace CertBroker.Storage.Tests;

/// <summary>A freshly migrated database, and nodes over it.</summary>
public abstract class ClusterStateTestBase : StoreTestBase
{
    protected static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A new node over the test's database.</summary>
    protected abstract ClusterNode CreateNode();
}

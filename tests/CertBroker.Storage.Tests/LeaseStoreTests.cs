using CertBroker.Core.Cluster;

namespace CertBroker.Storage.Tests;

public abstract class LeaseStoreTests : ClusterStateTestBase
{
    private const string Name = "webhook";
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task TryAcquireAsync_HeldByAnotherNode_RefusedUntilItEnds()
    {
        ILeaseStore a = CreateNode().Leases;
        ILeaseStore b = CreateNode().Leases;

        Assert.True(await a.TryAcquireAsync(Name, "node-a", Minute, Start, CancellationToken.None));
        Assert.False(await b.TryAcquireAsync(Name, "node-b", Minute, Start.AddSeconds(30), CancellationToken.None));
        Assert.True(await a.TryAcquireAsync(Name, "node-a", Minute, Start.AddSeconds(50), CancellationToken.None));
        Assert.False(await b.TryAcquireAsync(Name, "node-b", Minute, Start.AddSeconds(100), CancellationToken.None));

        // node-a renewed at 50 s until 110 s; after that node-b takes over, and node-a is out.
        Assert.True(await b.TryAcquireAsync(Name, "node-b", Minute, Start.AddSeconds(110), CancellationToken.None));
        Assert.False(await a.TryAcquireAsync(Name, "node-a", Minute, Start.AddSeconds(111), CancellationToken.None));
        Assert.True(await a.TryAcquireAsync("another-lease", "node-a", Minute, Start.AddSeconds(111), CancellationToken.None));
    }

    [Fact]
    public async Task ReleaseAsync_ByTheHolder_LetsAnotherNodeTakeItAtOnce()
    {
        ILeaseStore a = CreateNode().Leases;
        ILeaseStore b = CreateNode().Leases;
        await a.TryAcquireAsync(Name, "node-a", Minute, Start, CancellationToken.None);

        await b.ReleaseAsync(Name, "node-b", CancellationToken.None);
        Assert.False(await b.TryAcquireAsync(Name, "node-b", Minute, Start, CancellationToken.None));

        await a.ReleaseAsync(Name, "node-a", CancellationToken.None);
        Assert.True(await b.TryAcquireAsync(Name, "node-b", Minute, Start, CancellationToken.None));
    }

    [Fact]
    public async Task TryAcquireAsync_ManyNodesAtOnce_OnlyOneHolds()
    {
        ClusterNode[] nodes = [CreateNode(), CreateNode()];

        bool[] taken = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            nodes[i % 2].Leases.TryAcquireAsync(Name, $"node-{i}", Minute, Start, CancellationToken.None)));

        Assert.Single(taken, t => t);
    }
}

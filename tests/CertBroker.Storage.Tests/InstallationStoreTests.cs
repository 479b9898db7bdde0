namespace CertBroker.Storage.Tests;

public abstract class InstallationStoreTests : ClusterStateTestBase
{
    private const string Key = "ca.embedded.sha256";

    [Fact]
    public async Task GetOrAddAsync_RecordedBefore_ReturnsTheFirstValue()
    {
        ClusterNode a = CreateNode();
        ClusterNode b = CreateNode();

        Assert.Equal("aa11", await a.Installation.GetOrAddAsync(Key, "aa11", Start, CancellationToken.None));
        Assert.Equal("aa11", await b.Installation.GetOrAddAsync(Key, "bb22", Start, CancellationToken.None));
        Assert.Equal("cc33", await b.Installation.GetOrAddAsync("other", "cc33", Start, CancellationToken.None));
    }

    [Fact]
    public async Task GetOrAddAsync_TwoNodesAtOnce_AgreeOnOneValue()
    {
        ClusterNode a = CreateNode();
        ClusterNode b = CreateNode();

        string[] recorded = await Task.WhenAll(
            a.Installation.GetOrAddAsync(Key, "aa11", Start, CancellationToken.None),
            b.Installation.GetOrAddAsync(Key, "bb22", Start, CancellationToken.None));

        Assert.Equal(recorded[0], recorded[1]);
    }
}

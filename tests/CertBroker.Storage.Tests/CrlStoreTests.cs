using CertBroker.Core.Cluster;

namespace CertBroker.Storage.Tests;

public abstract class CrlStoreTests : ClusterStateTestBase
{
    private const string Issuer = "5e1f0c";

    [Fact]
    public async Task ReserveNumberAsync_FirstUseWithAnOldFile_ContinuesAboveIt()
    {
        ICrlStore crls = CreateNode().Crls;

        Assert.Equal(42, await crls.ReserveNumberAsync(Issuer, floor: 41, CancellationToken.None));
        Assert.Equal(43, await crls.ReserveNumberAsync(Issuer, floor: 41, CancellationToken.None));
        Assert.Equal(1, await crls.ReserveNumberAsync("other-ca", floor: 0, CancellationToken.None));
    }

    [Fact]
    public async Task ReserveNumberAsync_FloorBelowTheStoredNumber_NeverStepsBack()
    {
        ICrlStore crls = CreateNode().Crls;
        await crls.ReserveNumberAsync(Issuer, floor: 100, CancellationToken.None);

        Assert.Equal(102, await crls.ReserveNumberAsync(Issuer, floor: 5, CancellationToken.None));
        Assert.Equal(501, await crls.ReserveNumberAsync(Issuer, floor: 500, CancellationToken.None));
    }

    [Fact]
    public async Task ReserveNumberAsync_TwoNodesAtOnce_HandOutUniqueIncreasingNumbers()
    {
        ClusterNode a = CreateNode();
        ClusterNode b = CreateNode();

        long[][] perNode = await Task.WhenAll(ReserveAsync(a.Crls, 25), ReserveAsync(b.Crls, 25));

        Assert.Equal(Enumerable.Range(1, 50).Select(n => (long)n), perNode.SelectMany(n => n).Order());
        foreach (long[] numbers in perNode)
        {
            Assert.Equal(numbers.Order(), numbers);
        }
    }

    [Fact]
    public async Task NewestAsync_SavedOnAnotherNode_ReturnsTheHighestNumber()
    {
        ClusterNode a = CreateNode();
        ClusterNode b = CreateNode();
        Assert.Null(await b.Crls.NewestAsync(Issuer, CancellationToken.None));
        Assert.Null(await b.Crls.NewestNumberAsync(Issuer, CancellationToken.None));

        await a.Crls.SaveAsync(Crl(1), CancellationToken.None);
        await a.Crls.SaveAsync(Crl(3), CancellationToken.None);
        await b.Crls.SaveAsync(Crl(2), CancellationToken.None);

        PublishedCrl? newest = await b.Crls.NewestAsync(Issuer, CancellationToken.None);
        Assert.NotNull(newest);
        Assert.Equal(3, newest.Number);
        Assert.Equal(Crl(3).Der, newest.Der);
        Assert.Equal(Start.AddHours(3), newest.ThisUpdate);
        Assert.Equal(Start.AddHours(27), newest.NextUpdate);
        Assert.Equal(3, await b.Crls.NewestNumberAsync(Issuer, CancellationToken.None));
        Assert.Null(await b.Crls.NewestAsync("other-ca", CancellationToken.None));
    }

    [Fact]
    public async Task SaveAsync_MoreThanKept_KeepsServingTheNewest()
    {
        ICrlStore crls = CreateNode().Crls;
        for (int number = 1; number <= PublishedCrl.Kept + 5; number++)
        {
            await crls.SaveAsync(Crl(number), CancellationToken.None);
        }

        Assert.Equal(PublishedCrl.Kept + 5, (await crls.NewestAsync(Issuer, CancellationToken.None))!.Number);
    }

    private static async Task<long[]> ReserveAsync(ICrlStore crls, int count)
    {
        var numbers = new long[count];
        for (int i = 0; i < count; i++)
        {
            numbers[i] = await crls.ReserveNumberAsync(Issuer, 0, CancellationToken.None);
        }

        return numbers;
    }

    private static PublishedCrl Crl(long number) =>
        new(Issuer, number, Start.AddHours(number), Start.AddHours(number + 24), [0x30, 0x03, 0x02, 0x01, (byte)number]);
}

using CertBroker.Core.Cluster;

namespace CertBroker.Storage.Tests;

public abstract class FailureStoreTests : ClusterStateTestBase
{
    private static readonly FailureRule FiveInFifteenMinutes = new(5, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));
    private static readonly FailureKey Guesser = new(FailureKind.Challenge, "default", "203.0.113.9");

    [Fact]
    public async Task RecordAsync_ThresholdReached_LocksOutOnceForTheLockoutPeriod()
    {
        IFailureStore failures = CreateNode().Failures;
        for (int i = 0; i < 4; i++)
        {
            Assert.False((await failures.RecordAsync(Guesser, FiveInFifteenMinutes, Start.AddSeconds(i), CancellationToken.None)).LockedNow);
        }

        FailureRecorded fifth = await failures.RecordAsync(Guesser, FiveInFifteenMinutes, Start.AddSeconds(4), CancellationToken.None);
        FailureRecorded sixth = await failures.RecordAsync(Guesser, FiveInFifteenMinutes, Start.AddSeconds(5), CancellationToken.None);

        Assert.True(fifth.LockedNow);
        Assert.False(sixth.LockedNow);
        FailureCount stored = await failures.FindAsync(Guesser, CancellationToken.None);
        Assert.Equal(Start.AddSeconds(4).AddMinutes(15), stored.LockedUntil);
        Assert.Equal(FailureCount.None, await failures.FindAsync(new FailureKey(FailureKind.Challenge, "default", "203.0.113.10"), CancellationToken.None));
    }

    [Fact]
    public async Task RecordAsync_FailuresSpreadOverTwoNodes_LockOutOnBoth()
    {
        ClusterNode a = CreateNode();
        ClusterNode b = CreateNode();

        var locks = new List<bool>();
        for (int i = 0; i < 5; i++)
        {
            IFailureStore node = i % 2 == 0 ? a.Failures : b.Failures;
            locks.Add((await node.RecordAsync(Guesser, FiveInFifteenMinutes, Start.AddSeconds(i), CancellationToken.None)).LockedNow);
        }

        Assert.Equal([false, false, false, false, true], locks);
        Assert.True((await a.Failures.FindAsync(Guesser, CancellationToken.None)).IsLockedAt(Start.AddMinutes(1)));
        Assert.True((await b.Failures.FindAsync(Guesser, CancellationToken.None)).IsLockedAt(Start.AddMinutes(1)));
    }

    [Fact]
    public async Task RecordAsync_TwoNodesAtOnce_CountEveryFailure()
    {
        ClusterNode a = CreateNode();
        ClusterNode b = CreateNode();
        var plainCount = new FailureRule(0, TimeSpan.FromMinutes(15), null);

        await Task.WhenAll(
            RecordAsync(a.Failures, plainCount, 20),
            RecordAsync(b.Failures, plainCount, 20));

        Assert.Equal(40, (await a.Failures.FindAsync(Guesser, CancellationToken.None)).CountAt(Start.AddMinutes(1), plainCount.Window));
    }

    [Fact]
    public async Task RecordAsync_ThresholdReachedConcurrentlyOnTwoNodes_ImposesOneLockout()
    {
        ClusterNode a = CreateNode();
        ClusterNode b = CreateNode();

        FailureRecorded[][] results = await Task.WhenAll(
            RecordAsync(a.Failures, FiveInFifteenMinutes, 10),
            RecordAsync(b.Failures, FiveInFifteenMinutes, 10));

        Assert.Single(results.SelectMany(r => r), r => r.LockedNow);
    }

    [Fact]
    public async Task ResetAsync_NotLockedOut_ForgetsTheFailuresButNotALockout()
    {
        IFailureStore failures = CreateNode().Failures;
        var locked = new FailureKey(FailureKind.Challenge, "default", "198.51.100.1");
        await failures.RecordAsync(Guesser, FiveInFifteenMinutes, Start, CancellationToken.None);
        for (int i = 0; i < 5; i++)
        {
            await failures.RecordAsync(locked, FiveInFifteenMinutes, Start, CancellationToken.None);
        }

        await failures.ResetAsync(Guesser, Start, CancellationToken.None);
        await failures.ResetAsync(locked, Start, CancellationToken.None);

        Assert.Equal(FailureCount.None, await failures.FindAsync(Guesser, CancellationToken.None));
        Assert.True((await failures.FindAsync(locked, CancellationToken.None)).IsLockedAt(Start));
    }

    [Fact]
    public async Task ClearAsync_OneName_LiftsItsLockoutsOnly()
    {
        ClusterNode a = CreateNode();
        var rule = new FailureRule(1, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));
        await a.Failures.RecordAsync(new FailureKey(FailureKind.SignInSource, "admin", "203.0.113.1"), rule, Start, CancellationToken.None);
        await a.Failures.RecordAsync(new FailureKey(FailureKind.SignInSource, "admin", "203.0.113.2"), rule, Start, CancellationToken.None);
        await a.Failures.RecordAsync(new FailureKey(FailureKind.SignInSource, "operator", "203.0.113.1"), rule, Start, CancellationToken.None);
        Assert.Equal(2, (await a.Failures.ListAsync(FailureKind.SignInSource, "admin", CancellationToken.None)).Count(c => c.IsLockedAt(Start)));

        await CreateNode().Failures.ClearAsync(FailureKind.SignInSource, "admin", CancellationToken.None);

        Assert.Empty(await a.Failures.ListAsync(FailureKind.SignInSource, "admin", CancellationToken.None));
        Assert.Single(await a.Failures.ListAsync(FailureKind.SignInSource, "operator", CancellationToken.None));
    }

    [Fact]
    public async Task RecordAsync_NewKey_SweepsRowsWhoseWindowAndLockoutEnded()
    {
        IFailureStore failures = CreateNode().Failures;
        var oneMinute = new FailureRule(5, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        await failures.RecordAsync(Guesser, oneMinute, Start, CancellationToken.None);

        await failures.RecordAsync(new FailureKey(FailureKind.Challenge, "default", "192.0.2.1"), oneMinute, Start.AddMinutes(2), CancellationToken.None);

        Assert.Equal(FailureCount.None, await failures.FindAsync(Guesser, CancellationToken.None));
    }

    private static async Task<FailureRecorded[]> RecordAsync(IFailureStore failures, FailureRule rule, int count)
    {
        var results = new FailureRecorded[count];
        for (int i = 0; i < count; i++)
        {
            results[i] = await failures.RecordAsync(Guesser, rule, Start.AddMilliseconds(i), CancellationToken.None);
        }

        return results;
    }
}

using CertBroker.Server.Admin;

namespace CertBroker.Server.Tests.Admin;

public sealed class PasswordCheckLimiterTests
{
    [Fact]
    public async Task RunAsync_LimitReached_NextCheckWaitsForAFreeSlot()
    {
        using var limiter = new PasswordCheckLimiter(concurrentChecks: 1);
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource<bool>();
        bool secondStarted = false;

        Task<bool> first = limiter.RunAsync(() =>
        {
            firstRunning.SetResult();
            return releaseFirst.Task;
        }, CancellationToken.None);
        await firstRunning.Task;
        Task<bool> second = limiter.RunAsync(() =>
        {
            secondStarted = true;
            return Task.FromResult(true);
        }, CancellationToken.None);
        await Task.Delay(100);

        Assert.False(secondStarted);
        releaseFirst.SetResult(true);
        Assert.True(await second);
        Assert.True(await first);
        Assert.True(secondStarted);
    }

    [Fact]
    public async Task RunAsync_CheckThrows_SlotIsReleased()
    {
        using var limiter = new PasswordCheckLimiter(concurrentChecks: 1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => limiter.RunAsync<bool>(() => throw new InvalidOperationException(), CancellationToken.None));

        Assert.True(await limiter.RunAsync(() => Task.FromResult(true), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWaiting_GivesUpWithoutRunning()
    {
        using var limiter = new PasswordCheckLimiter(concurrentChecks: 1);
        var hold = new TaskCompletionSource<bool>();
        Task<bool> holding = limiter.RunAsync(() => hold.Task, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        bool ran = false;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => limiter.RunAsync(() => Task.FromResult(ran = true), cancel.Token));

        Assert.False(ran);
        hold.SetResult(true);
        Assert.True(await holding);
    }
}

using CertBroker.Server.Admin;

namespace CertBroker.Server.Tests.Admin;

public sealed class PasswordCheckLimiterTests
{
    [Fact]
    public async Task TryRunAsync_LimitReached_NextCheckWaitsForAFreeSlot()
    {
        using var limiter = new PasswordCheckLimiter(concurrentChecks: 1, queueLength: 1);
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource<bool>();
        bool secondStarted = false;

        Task<(bool, bool)> first = limiter.TryRunAsync(() =>
        {
            firstRunning.SetResult();
            return releaseFirst.Task;
        }, CancellationToken.None);
        await firstRunning.Task;
        Task<(bool Admitted, bool Result)> second = limiter.TryRunAsync(() =>
        {
            secondStarted = true;
            return Task.FromResult(true);
        }, CancellationToken.None);
        await Task.Delay(100);

        Assert.False(secondStarted);
        releaseFirst.SetResult(true);
        Assert.Equal((true, true), await second);
        Assert.Equal((true, true), await first);
    }

    [Fact]
    public async Task TryRunAsync_QueueFull_RefusedAtOnceWithoutRunning()
    {
        using var limiter = new PasswordCheckLimiter(concurrentChecks: 1, queueLength: 2);
        var hold = new TaskCompletionSource<bool>();
        Task<(bool, bool)> running = limiter.TryRunAsync(() => hold.Task, CancellationToken.None);
        Task<(bool, bool)> waiting1 = limiter.TryRunAsync(() => Task.FromResult(true), CancellationToken.None);
        Task<(bool, bool)> waiting2 = limiter.TryRunAsync(() => Task.FromResult(true), CancellationToken.None);
        bool ran = false;

        // Generous bound: "at once" means without waiting for the held check, not a number of milliseconds.
        (bool admitted, bool _) = await limiter.TryRunAsync(() => Task.FromResult(ran = true), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(admitted);
        Assert.False(ran);
        hold.SetResult(true);
        Assert.Equal((true, true), await running);
        Assert.Equal((true, true), await waiting1);
        Assert.Equal((true, true), await waiting2);
    }

    [Fact]
    public async Task TryRunAsync_CheckThrows_SlotIsReleased()
    {
        using var limiter = new PasswordCheckLimiter(concurrentChecks: 1, queueLength: 0);

        await Assert.ThrowsAsync<InvalidOperationException>(() => limiter.TryRunAsync<bool>(() => throw new InvalidOperationException(), CancellationToken.None));

        Assert.Equal((true, true), await limiter.TryRunAsync(() => Task.FromResult(true), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task TryRunAsync_CancelledWhileWaiting_GivesUpWithoutRunning()
    {
        using var limiter = new PasswordCheckLimiter(concurrentChecks: 1, queueLength: 1);
        var hold = new TaskCompletionSource<bool>();
        Task<(bool, bool)> holding = limiter.TryRunAsync(() => hold.Task, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        bool ran = false;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => limiter.TryRunAsync(() => Task.FromResult(ran = true), cancel.Token));

        Assert.False(ran);
        hold.SetResult(true);
        Assert.Equal((true, true), await holding);
    }
}

using CertBroker.Storage.Sqlite;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>
/// A write whose body waits until released, so the writer is busy inside its transaction and every write made
/// meanwhile queues; released, the queued writes run together in the next transaction, in the order they were made.
/// </summary>
internal sealed class HeldWriter : IDisposable
{
    private readonly ManualResetEventSlim _release = new();
    private readonly Task<bool> _write;

    private HeldWriter(SqliteWriter writer, TaskCompletionSource running)
    {
        // Blocks the writer thread, not the caller's: WriteAsync only queues the write.
        _write = writer.WriteAsync((Running: running, Release: _release), static (_, held) =>
        {
            held.Running.SetResult();
            held.Release.Wait();
            return true;
        }, CancellationToken.None);
    }

    /// <summary>Returns once the held write is running, so the writer is certainly busy.</summary>
    public static async Task<HeldWriter> HoldAsync(SqliteWriter writer)
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new HeldWriter(writer, running);
        await Task.WhenAny(running.Task, held._write).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(running.Task.IsCompleted, "The held write did not start.");
        return held;
    }

    /// <summary>Lets the held write commit; the queued writes follow in one transaction.</summary>
    public async Task ReleaseAsync()
    {
        _release.Set();
        Assert.True(await _write);
    }

    /// <summary>Releases the held write if a test failed before doing so, so no thread stays blocked.</summary>
    public void Dispose() => _release.Set();
}

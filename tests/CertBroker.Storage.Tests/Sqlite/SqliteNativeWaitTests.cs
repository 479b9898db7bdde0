using System.Diagnostics;
using System.Runtime.InteropServices;
using CertBroker.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>
/// The shipped e_sqlite3 sleeps milliseconds, not whole seconds. The build in SQLitePCLRaw 2.0.6 had neither
/// usleep nor nanosleep, so its sleeps and busy retries lasted a second and the broker carried its own VFS and busy
/// handler; these tests are why it no longer does (decision 1 in docs/decisions.md).
/// </summary>
public sealed class SqliteNativeWaitTests : IAsyncLifetime
{
    private readonly SqliteHarness _harness = new();

    public async Task InitializeAsync() => await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public void Sleep_OneMillisecond_SleepsOneMillisecondNotOneSecond()
    {
        using (_harness.OpenRaw())
        {
            // The library is loaded and initialised by the connection.
        }

        var clock = Stopwatch.StartNew();
        int reported = sqlite3_sleep(1);
        clock.Stop();

        // sqlite3_sleep reports what the VFS asked of the OS: 1000 on a build that rounds up to whole seconds.
        Assert.Equal(1, reported);
        Assert.True(clock.ElapsedMilliseconds < 500, $"sqlite3_sleep(1) took {clock.ElapsedMilliseconds} ms.");
    }

    [Fact]
    public async Task BeginImmediate_LockReleasedAfter50Ms_AcquiresWithinMillisecondsOfTheRelease()
    {
        var database = new SqliteDatabase(_harness.Options, NullLogger.Instance);
        using var holder = _harness.OpenRaw();
        using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
        }

        using var waiter = database.OpenForWriting();
        Task<long> acquired = Task.Run(() =>
        {
            using var begin = waiter.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
            long at = Stopwatch.GetTimestamp();
            begin.CommandText = "COMMIT";
            begin.ExecuteNonQuery();
            return at;
        });

        await Task.Delay(50);
        Assert.False(acquired.IsCompleted, "The write lock was taken while another connection held it.");
        long released;
        using (var commit = holder.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            commit.ExecuteNonQuery();
            released = Stopwatch.GetTimestamp();
        }

        long at = await acquired.WaitAsync(TimeSpan.FromSeconds(30));

        // SQLite's busy handler retries after 1, 2, 5, 10 … ms; a whole-second build waits about a second here.
        TimeSpan waited = Stopwatch.GetElapsedTime(released, at);
        Assert.True(waited < TimeSpan.FromMilliseconds(500), $"The waiting connection took the lock {waited.TotalMilliseconds:F0} ms after its release.");
    }

    [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_sleep(int milliseconds);
}

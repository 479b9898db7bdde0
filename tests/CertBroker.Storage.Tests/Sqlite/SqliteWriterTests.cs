using System.Diagnostics;
using CertBroker.Storage.Rows;
using CertBroker.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>
/// The writer's handling of failures that no well-formed call through the store produces on a healthy disk:
/// a transaction SQLite ends on its own, and a file locked by another process for longer than the busy timeout.
/// </summary>
public sealed class SqliteWriterTests : IAsyncLifetime
{
    private readonly SqliteHarness _harness = new();

    public async Task InitializeAsync() => await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task WriteAsync_WriteEndsTheSharedTransaction_OnlyItFailsAndTheOthersAreWrittenAgain()
    {
        using var writer = NewWriter(_harness.Options);
        var (before, after) = (NewCertificateRow(), NewCertificateRow());
        Task<bool> beforeWrite, ending, afterWrite;
        using (var held = await HeldWriter.HoldAsync(writer))
        {
            beforeWrite = Insert(writer, before);
            // As SQLite does after an I/O error or a full disk: the whole transaction is rolled back under the batch.
            ending = writer.WriteAsync<int, bool>(0, static (connection, _) =>
            {
                using var rollback = connection.Underlying.CreateCommand();
                rollback.CommandText = "ROLLBACK";
                rollback.ExecuteNonQuery();
                throw new InvalidOperationException("disk I/O error");
            }, CancellationToken.None);
            afterWrite = Insert(writer, after);
            await held.ReleaseAsync();
        }

        Assert.Equal("disk I/O error", (await Assert.ThrowsAsync<InvalidOperationException>(() => ending)).Message);
        Assert.True(await beforeWrite);
        Assert.True(await afterWrite);
        Assert.Equal(1, CountRows(before.Serial));
        Assert.Equal(1, CountRows(after.Serial));
        await AssertWritesAsync(writer);
    }

    [Fact]
    public async Task WriteAsync_FileLockedLongerThanBusyTimeout_FailsEveryQueuedWriteThenRecovers()
    {
        var options = _harness.Options;
        options.BusyTimeout = TimeSpan.FromMilliseconds(100);
        using var writer = NewWriter(options);
        await using (var writeLock = await HoldWriteLockAsync())
        {
            var writes = Enumerable.Range(0, 2).Select(_ => Insert(writer, NewCertificateRow())).ToArray();
            foreach (var write in writes)
            {
                await Assert.ThrowsAsync<SqliteException>(() => write);
            }

            writeLock.Release();
        }

        await AssertWritesAsync(writer);
    }

    [Fact]
    public async Task WriteAsync_FileLockedBriefly_WritesWithinMillisecondsOfTheRelease()
    {
        using var writer = NewWriter(_harness.Options);
        var row = NewCertificateRow();
        Task<bool> write;
        long released;
        await using (var writeLock = await HoldWriteLockAsync())
        {
            write = Insert(writer, row);
            await Task.Delay(100);
            Assert.False(write.IsCompleted, "The write finished while the file was locked.");
            writeLock.Release();
            released = Stopwatch.GetTimestamp();
        }

        Assert.True(await write.WaitAsync(TimeSpan.FromSeconds(30)));
        TimeSpan waited = Stopwatch.GetElapsedTime(released);
        Assert.True(waited < TimeSpan.FromMilliseconds(500), $"The write committed {waited.TotalMilliseconds:F0} ms after the lock was released.");
        Assert.Equal(1, CountRows(row.Serial));
    }

    [Fact]
    public async Task WriteAsync_RunsTheTransactionOnTheWriterThread_AndReturnsWithoutWaitingForIt()
    {
        using var writer = NewWriter(_harness.Options);
        Task<(string? Name, int Id)> observed;
        using (var held = await HeldWriter.HoldAsync(writer))
        {
            // The caller's thread runs nothing of the transaction: with the writer busy, the call returns at once.
            observed = writer.WriteAsync(0, static (_, _) => (Thread.CurrentThread.Name, Environment.CurrentManagedThreadId), CancellationToken.None);
            Assert.False(observed.IsCompleted);
            await held.ReleaseAsync();
        }

        (string? name, int id) = await observed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SqliteWriter.ThreadName, name);
        Assert.NotEqual(Environment.CurrentManagedThreadId, id);
        await AssertWritesAsync(writer);
    }

    [Fact]
    public async Task Commits_AreCopiedIntoTheDatabaseFileByTheCheckpointThread()
    {
        using var writer = NewWriter(_harness.Options);
        long before = new FileInfo(_harness.DatabasePath).Length;
        var rows = Enumerable.Range(0, 200).Select(_ => NewCertificateRow()).ToList();
        foreach (var row in rows)
        {
            Assert.True(await Insert(writer, row));
        }

        // A few hundred log pages: far below the writer connection's own checkpoint threshold, and no connection
        // closes, so only the checkpoint thread can move the rows from the log into the database file.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (new FileInfo(_harness.DatabasePath).Length <= before)
        {
            await Task.Delay(20, timeout.Token);
        }

        Assert.All(rows, row => Assert.Equal(1, CountRows(row.Serial)));
    }

    [Fact]
    public async Task WriteAsync_AfterATransactionOfSeveralWrites_WaitsForWritesStillOnTheirWayBeforeTheNextCommit()
    {
        var options = _harness.Options;
        // Long enough that the second write below is certainly queued within it.
        options.CommitDelay = TimeSpan.FromSeconds(1);
        using var writer = NewWriter(options);
        Task<bool>[] together;
        using (var held = await HeldWriter.HoldAsync(writer))
        {
            together = [Insert(writer, NewCertificateRow()), Insert(writer, NewCertificateRow())];
            await held.ReleaseAsync();
        }

        Assert.All(await Task.WhenAll(together), Assert.True);
        long commits = writer.Commits;
        Assert.Equal(0, writer.DelayedBatches);

        // The last transaction held two writes: the next one waits, and a write queued during the wait joins it.
        var (first, second) = (NewCertificateRow(), NewCertificateRow());
        Task<bool> firstWrite = Insert(writer, first);
        Task<bool> secondWrite = Insert(writer, second);
        Assert.True(await firstWrite.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await secondWrite.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(commits + 1, writer.Commits);
        Assert.Equal(1, writer.DelayedBatches);
        Assert.Equal(1, CountRows(first.Serial));
        Assert.Equal(1, CountRows(second.Serial));
    }

    [Fact]
    public async Task WriteAsync_OneWriteAtATime_NeverWaitsForACommitDelay()
    {
        var options = _harness.Options;
        options.CommitDelay = TimeSpan.FromSeconds(1);
        using var writer = NewWriter(options);
        for (int i = 0; i < 5; i++)
        {
            await AssertWritesAsync(writer);
        }

        Assert.Equal(5, writer.Commits);
        Assert.Equal(0, writer.DelayedBatches);
    }

    [Fact]
    public async Task Dispose_DuringACommitDelay_LeavesNoWriteWaiting()
    {
        var options = _harness.Options;
        options.CommitDelay = TimeSpan.FromSeconds(1);
        var writer = NewWriter(options);
        using (var held = await HeldWriter.HoldAsync(writer))
        {
            Task<bool>[] together = [Insert(writer, NewCertificateRow()), Insert(writer, NewCertificateRow())];
            await held.ReleaseAsync();
            await Task.WhenAll(together);
        }

        Task<bool> waiting = Insert(writer, NewCertificateRow());
        writer.Dispose();

        // The queued write was either taken before the dispose and committed, or failed: never left waiting.
        Task settled = await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.Same(waiting, settled);
        if (waiting.IsFaulted)
        {
            Assert.IsType<ObjectDisposedException>(waiting.Exception!.InnerException);
        }
        else
        {
            Assert.True(await waiting);
        }
    }

    private static SqliteWriter NewWriter(SqliteStoreOptions options) =>
        new(new SqliteDatabase(options, NullLogger.Instance), NullLogger.Instance);

    /// <summary>The writer works: a new row is written, once.</summary>
    private async Task AssertWritesAsync(SqliteWriter writer)
    {
        var row = NewCertificateRow();
        Assert.True(await Insert(writer, row));
        Assert.Equal(1, CountRows(row.Serial));
    }

    private static Task<bool> Insert(SqliteWriter writer, CertificateRow row) =>
        writer.WriteAsync(row, static (connection, row) => connection.InsertCertificate(row), CancellationToken.None);

    private static CertificateRow NewCertificateRow() => RowMapping.ToRow(TestData.Certificate());

    private long CountRows(string serial)
    {
        using var connection = _harness.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM certificates WHERE serial = $serial";
        command.Parameters.AddWithValue("$serial", serial);
        return (long)command.ExecuteScalar()!;
    }

    private async Task<WriteLock> HoldWriteLockAsync()
    {
        var connection = _harness.OpenRaw();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        await begin.ExecuteNonQueryAsync();
        return new WriteLock(connection);
    }

    /// <summary>Another process's write transaction, as far as the writer can tell.</summary>
    private sealed class WriteLock(SqliteConnection connection) : IAsyncDisposable
    {
        public void Release()
        {
            using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// The one connection this process writes through: a thread of its own runs queued writes in group commits, each in
/// its own savepoint. Why one writer, the commit delay and the thread: docs/decisions.md §19.
/// </summary>
internal sealed class SqliteWriter(SqliteDatabase database, ILogger logger) : IDisposable
{
    /// <summary>Most writes one transaction takes, which bounds how long another process waits for the file.</summary>
    public const int MaxBatch = 64;

    /// <summary>The name of the writer thread, as the debugger and <c>/proc/&lt;pid&gt;/task</c> show it.</summary>
    public const string ThreadName = "SQLite writer";

    private readonly ConcurrentQueue<QueuedWrite> _queue = new();

    // Guards starting the thread and its sleep: a write that finds it asleep wakes it under this lock.
    private readonly object _wake = new();

    private readonly List<QueuedWrite> _batch = new(MaxBatch);
    private Thread? _thread;
    private SqliteCheckpointer? _checkpointer;
    private int _sleeping;
    private int _lastBatchSize;
    private long _commits;
    private long _delayedBatches;
    private SqliteWriteConnection? _connection;
    private volatile bool _disposed;

    /// <summary>Transactions committed, for tests.</summary>
    internal long Commits => Volatile.Read(ref _commits);

    /// <summary>Batches taken after a commit delay, for tests.</summary>
    internal long DelayedBatches => Volatile.Read(ref _delayedBatches);

    /// <summary>
    /// Runs <paramref name="write"/> inside a BEGIN IMMEDIATE … COMMIT, possibly shared with other callers' writes;
    /// an exception from it undoes its own statements only and is reported to this caller only.
    /// <paramref name="cancellationToken"/> is honoured only until the write is taken into a batch: from then on it
    /// finishes, so a caller that gives up cannot leave a certificate signed but unrecorded.
    /// </summary>
    public Task<TResult> WriteAsync<TState, TResult>(
        TState state,
        Func<SqliteWriteConnection, TState, TResult> write,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        var queued = new QueuedWrite<TState, TResult>(state, write, cancellationToken);
        if (Volatile.Read(ref _thread) is null)
        {
            Start();
        }

        _queue.Enqueue(queued);
        // The enqueue is a full fence, so either this read sees the thread asleep, or the thread's own look at the
        // queue, made after it said it would sleep, sees this write.
        if (Volatile.Read(ref _sleeping) == 1)
        {
            lock (_wake)
            {
                Monitor.Pulse(_wake);
            }
        }

        if (_disposed && queued.TryTake())
        {
            // Disposed while this write was being queued: the thread may be gone, so nothing else would complete it.
            queued.Complete(new ObjectDisposedException(nameof(SqliteWriter)));
        }

        return queued.Task;
    }

    /// <summary>Lets a batch in progress finish, fails writes still queued, then closes the connection.</summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_wake)
        {
            _disposed = true;
            thread = _thread;
            Monitor.Pulse(_wake);
        }

        // Stopped with the writer, so no checkpoint starts once Dispose has begun.
        _checkpointer?.Dispose();
        if (thread is not null && thread != Thread.CurrentThread)
        {
            thread.Join();
        }

        CloseConnection();
        var rest = new List<QueuedWrite>();
        while (_queue.TryDequeue(out var queued))
        {
            if (queued.TryTake())
            {
                rest.Add(queued);
            }
        }

        CompleteAll(rest, new ObjectDisposedException(nameof(SqliteWriter)));
    }

    private void Start()
    {
        lock (_wake)
        {
            if (_thread is null && !_disposed)
            {
                var checkpointer = new SqliteCheckpointer(database, () => Commits, logger);
                checkpointer.Start();
                _checkpointer = checkpointer;
                var thread = new Thread(Run) { IsBackground = true, Name = ThreadName };
                thread.Start();
                Volatile.Write(ref _thread, thread);
            }
        }
    }

    private void Run()
    {
        while (!_disposed)
        {
            if (_queue.IsEmpty)
            {
                Sleep();
                continue;
            }

            try
            {
                bool delayed = DelayCommit();
                List<QueuedWrite> batch = TakeBatch();
                _lastBatchSize = batch.Count;
                if (delayed && batch.Count > 0)
                {
                    Interlocked.Increment(ref _delayedBatches);
                }

                RunBatch(batch);
            }
            catch (Exception exception)
            {
                // RunBatch completes every write whatever happens; this only keeps the thread alive if that failed.
                logger.LogCritical(exception, "The writer thread for {DatabasePath} failed between transactions", database.FilePath);
            }
        }
    }

    /// <summary>
    /// After a transaction of several writes, waits the commit delay so that the writes of callers still on their way
    /// join the next transaction; returns whether it waited. Dispose ends the wait early.
    /// </summary>
    private bool DelayCommit()
    {
        TimeSpan delay = database.CommitDelay;
        if (_lastBatchSize <= 1 || delay <= TimeSpan.Zero || _queue.Count >= MaxBatch)
        {
            return false;
        }

        lock (_wake)
        {
            // _sleeping stays 0, so writes queued meanwhile do not end the wait; only Dispose pulses.
            if (!_disposed)
            {
                Monitor.Wait(_wake, delay);
            }
        }

        return true;
    }

    private void Sleep()
    {
        lock (_wake)
        {
            Interlocked.Exchange(ref _sleeping, 1);
            if (_queue.IsEmpty && !_disposed)
            {
                Monitor.Wait(_wake);
            }

            Interlocked.Exchange(ref _sleeping, 0);
        }
    }

    private List<QueuedWrite> TakeBatch()
    {
        _batch.Clear();
        while (_batch.Count < MaxBatch && _queue.TryDequeue(out var queued))
        {
            // A write whose caller cancelled while it waited is dropped here.
            if (queued.TryTake())
            {
                _batch.Add(queued);
            }
        }

        return _batch;
    }

    /// <summary>Completes every write in <paramref name="writes"/>, whatever happens.</summary>
    private void RunBatch(List<QueuedWrite> writes)
    {
        var pending = writes;
        try
        {
            while (pending.Count > 0)
            {
                if (_disposed)
                {
                    CloseConnection();
                    CompleteAll(pending, new ObjectDisposedException(nameof(SqliteWriter)));
                    return;
                }

                SqliteWriteConnection connection;
                try
                {
                    connection = _connection ??= new SqliteWriteConnection(database.OpenForWriting());
                }
                catch (Exception exception)
                {
                    CompleteAll(pending, exception);
                    return;
                }

                pending = RunInOneTransaction(connection, pending);
            }
        }
        catch (Exception exception)
        {
            // Not expected: every statement's failure is handled above. Leave no caller waiting for ever.
            logger.LogError(exception, "Writing to {DatabasePath} failed unexpectedly", database.FilePath);
            ResetConnection();
            CompleteAll(pending, exception);
        }
    }

    /// <summary>
    /// Runs each write in its own savepoint inside one transaction, then commits and completes them.
    /// Returns the writes to run again, in a new transaction, when one write's failure ended the whole transaction.
    /// </summary>
    private List<QueuedWrite> RunInOneTransaction(SqliteWriteConnection connection, List<QueuedWrite> writes)
    {
        try
        {
            connection.Begin();
        }
        catch (Exception exception)
        {
            ResetAfter(exception, writes.Count);
            CompleteAll(writes, exception);
            return [];
        }

        foreach (var write in writes)
        {
            try
            {
                connection.Savepoint();
                write.Run(connection);
                connection.ReleaseSavepoint();
            }
            catch (Exception exception)
            {
                write.RecordFailure(exception);
                if (!connection.TryRollbackToSavepoint())
                {
                    // The whole transaction is gone, and the other writes' rows with it: this write has failed,
                    // the rest run again on a fresh connection.
                    ResetAfter(exception, writes.Count);
                    return Survivors(writes);
                }
            }
        }

        try
        {
            connection.Commit();
            Interlocked.Increment(ref _commits);
        }
        catch (Exception exception)
        {
            ResetAfter(exception, writes.Count);
            CompleteAll(writes, exception);
            return [];
        }

        foreach (var write in writes)
        {
            write.Complete();
        }

        return [];
    }

    /// <summary>Completes the writes that failed on their own and returns the rest, their results forgotten.</summary>
    private static List<QueuedWrite> Survivors(List<QueuedWrite> writes)
    {
        var again = new List<QueuedWrite>(writes.Count);
        foreach (var write in writes)
        {
            if (write.HasFailed)
            {
                write.Complete();
            }
            else
            {
                write.ForgetResult();
                again.Add(write);
            }
        }

        return again;
    }

    /// <summary>A write's own failure is reported as it is; the others get <paramref name="exception"/>.</summary>
    private static void CompleteAll(List<QueuedWrite> writes, Exception exception)
    {
        foreach (var write in writes)
        {
            write.Complete(exception);
        }
    }

    private void ResetAfter(Exception exception, int writes)
    {
        // The transaction may still be open or half-known; a fresh connection is cheap and certain, and closing
        // this one rolls back whatever it still holds.
        logger.LogDebug(
            exception, "A transaction of {Writes} writes to {DatabasePath} failed; reopening the writer connection",
            writes, database.FilePath);
        ResetConnection();
    }

    private void ResetConnection()
    {
        try
        {
            _connection?.Dispose();
        }
        catch (Exception exception)
        {
            logger.LogDebug(exception, "Closing the writer connection to {DatabasePath} failed", database.FilePath);
        }

        _connection = null;
    }

    private void CloseConnection()
    {
        _connection?.Dispose();
        _connection = null;
    }
}

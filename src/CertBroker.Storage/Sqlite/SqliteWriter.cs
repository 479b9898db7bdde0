using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
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

    /// <summary>The name of the thread that copies the write-ahead log into the database file.</summary>
    public const string CheckpointThreadName = "SQLite checkpoint";

    /// <summary>
    /// Log pages past which the writer connection checkpoints by itself, as SQLite does by default at 1000 pages:
    /// a backstop only, for when the checkpoint thread cannot keep up.
    /// </summary>
    public const int BackstopCheckpointPages = 16384;

    /// <summary>How long the checkpoint thread waits after a checkpoint before it looks for new commits again.</summary>
    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentQueue<QueuedWrite> _queue = new();

    // Guards starting the thread and its sleep: a write that finds it asleep wakes it under this lock.
    private readonly object _wake = new();

    // The checkpoint thread's sleep, ended early only by Dispose.
    private readonly object _checkpointWake = new();
    private readonly List<QueuedWrite> _batch = new(MaxBatch);
    private Thread? _thread;
    private Thread? _checkpointThread;
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

        if (thread is not null && thread != Thread.CurrentThread)
        {
            thread.Join();
        }

        lock (_checkpointWake)
        {
            Monitor.Pulse(_checkpointWake);
        }

        _checkpointThread?.Join();

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
                var checkpoints = new Thread(RunCheckpoints) { IsBackground = true, Name = CheckpointThreadName };
                checkpoints.Start();
                _checkpointThread = checkpoints;
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

    /// <summary>
    /// Copies committed pages from the write-ahead log into the database file, on a connection and thread of its own.
    /// </summary>
    /// <remarks>
    /// SQLite's default is for the committing connection to checkpoint once the log holds 1000 pages, inside its
    /// COMMIT: the copy and, with <c>synchronous=NORMAL</c>, two disk flushes. Under load that was every tenth of a
    /// second, and each took the writer 10-25 ms during which every enrolment waited for its commit. A PASSIVE
    /// checkpoint from another connection waits for no one and blocks no one: the writer keeps appending while it
    /// runs. The writer connection still checkpoints by itself past <see cref="BackstopCheckpointPages"/>.
    /// </remarks>
    private void RunCheckpoints()
    {
        SqliteConnection? connection = null;
        long checkpointed = 0;
        try
        {
            while (!_disposed)
            {
                lock (_checkpointWake)
                {
                    if (!_disposed)
                    {
                        Monitor.Wait(_checkpointWake, CheckpointInterval);
                    }
                }

                long commits = Volatile.Read(ref _commits);
                if (commits == checkpointed || _disposed)
                {
                    continue;
                }

                try
                {
                    connection ??= database.OpenForReading();
                    using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    command.ExecuteNonQuery();
                    checkpointed = commits;
                }
                catch (Exception exception)
                {
                    // The next round tries again on a fresh connection; meanwhile the writer's backstop applies.
                    logger.LogWarning(exception, "Checkpointing the write-ahead log of {DatabasePath} failed", database.FilePath);
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
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

    /// <summary>One caller's write on its way through the queue and a batch.</summary>
    private abstract class QueuedWrite
    {
        private const int Queued = 0;
        private const int Taken = 1;
        private const int Cancelled = 2;

        private int _stage;

        public bool HasFailed => Failure is not null;

        protected Exception? Failure { get; private set; }

        /// <summary>Claims the write for a batch; false when its caller cancelled first.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _stage, Taken, Queued) == Queued;

        /// <summary>Runs the statements and keeps the result until the commit decides.</summary>
        public abstract void Run(SqliteWriteConnection connection);

        public void RecordFailure(Exception exception) => Failure = exception;

        public abstract void ForgetResult();

        /// <summary>After the commit: the result, or the write's own failure.</summary>
        public abstract void Complete();

        /// <summary>When the batch failed as a whole: the write's own failure if it had one, else <paramref name="exception"/>.</summary>
        public void Complete(Exception exception)
        {
            Failure ??= exception;
            Complete();
        }

        protected bool TryCancel() => Interlocked.CompareExchange(ref _stage, Cancelled, Queued) == Queued;
    }

    private sealed class QueuedWrite<TState, TResult> : QueuedWrite
    {
        private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TState _state;
        private readonly Func<SqliteWriteConnection, TState, TResult> _write;
        private readonly CancellationTokenRegistration _cancellation;
        private TResult? _result;

        public QueuedWrite(TState state, Func<SqliteWriteConnection, TState, TResult> write, CancellationToken cancellationToken)
        {
            _state = state;
            _write = write;
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(
                    static (queued, token) => ((QueuedWrite<TState, TResult>)queued!).Cancel(token), this);
            }
        }

        public Task<TResult> Task => _completion.Task;

        public override void Run(SqliteWriteConnection connection) => _result = _write(connection, _state);

        public override void ForgetResult() => _result = default;

        public override void Complete()
        {
            _cancellation.Dispose();
            // Asynchronous continuations: on the writer thread, which belongs to no pool, they go to the pool's global
            // queue in commit order (a pool thread's own queue would serve them newest first), and no caller's code
            // ever runs on the writer thread.
            if (Failure is { } failure)
            {
                _completion.TrySetException(failure);
            }
            else
            {
                _completion.TrySetResult(_result!);
            }
        }

        private void Cancel(CancellationToken token)
        {
            if (TryCancel())
            {
                _completion.TrySetCanceled(token);
            }
        }
    }
}

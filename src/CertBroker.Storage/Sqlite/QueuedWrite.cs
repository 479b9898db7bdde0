namespace CertBroker.Storage.Sqlite;

/// <summary>One caller's write on its way through the queue and a batch.</summary>
internal abstract class QueuedWrite
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

internal sealed class QueuedWrite<TState, TResult> : QueuedWrite
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

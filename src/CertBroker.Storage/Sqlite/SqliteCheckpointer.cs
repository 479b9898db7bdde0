using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Copies committed pages from the write-ahead log into the database file, on a connection and thread of its own,
/// for the <see cref="SqliteWriter"/> whose commits <paramref name="commits"/> counts.
/// </summary>
/// <remarks>
/// SQLite's default is for the committing connection to checkpoint once the log holds 1000 pages, inside its
/// COMMIT: the copy and, with <c>synchronous=NORMAL</c>, two disk flushes. Under load that was every tenth of a
/// second, and each took the writer 10-25 ms during which every enrolment waited for its commit. A PASSIVE
/// checkpoint from another connection waits for no one and blocks no one: the writer keeps appending while it
/// runs. The writer connection still checkpoints by itself past <see cref="BackstopPages"/>.
/// </remarks>
internal sealed class SqliteCheckpointer(SqliteDatabase database, Func<long> commits, ILogger logger) : IDisposable
{
    /// <summary>The name of the thread that copies the write-ahead log into the database file.</summary>
    public const string ThreadName = "SQLite checkpoint";

    /// <summary>
    /// Log pages past which the writer connection checkpoints by itself, as SQLite does by default at 1000 pages:
    /// a backstop only, for when the checkpoint thread cannot keep up.
    /// </summary>
    public const int BackstopPages = 16384;

    /// <summary>How long the checkpoint thread waits after a checkpoint before it looks for new commits again.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    // The thread's sleep, ended early only by Dispose.
    private readonly object _wake = new();
    private Thread? _thread;
    private volatile bool _disposed;

    public void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = ThreadName };
        thread.Start();
        _thread = thread;
    }

    /// <summary>Lets a checkpoint in progress finish, then ends the thread and closes its connection.</summary>
    public void Dispose()
    {
        lock (_wake)
        {
            _disposed = true;
            Monitor.Pulse(_wake);
        }

        _thread?.Join();
    }

    private void Run()
    {
        SqliteConnection? connection = null;
        long checkpointed = 0;
        try
        {
            while (!_disposed)
            {
                lock (_wake)
                {
                    if (!_disposed)
                    {
                        Monitor.Wait(_wake, Interval);
                    }
                }

                long committed = commits();
                if (committed == checkpointed || _disposed)
                {
                    continue;
                }

                try
                {
                    connection ??= database.OpenForReading();
                    using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    command.ExecuteNonQuery();
                    checkpointed = committed;
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
}

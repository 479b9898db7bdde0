using CertBroker.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// The one connection this process writes through. SQLite allows a single writer per file anyway; queueing
/// writers here on an async gate costs no threads, where letting them contend for the file lock would make each
/// one sleep and retry. BEGIN IMMEDIATE still guards against other processes using the same file.
/// </summary>
internal sealed class SqliteWriter(SqliteDatabase database, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private bool _disposed;

    /// <summary>
    /// Runs <paramref name="write"/> inside BEGIN IMMEDIATE … COMMIT; any exception rolls everything back.
    /// <paramref name="cancellationToken"/> is honoured only until the write starts: from then on it finishes,
    /// so a caller that gives up cannot leave a certificate signed but unrecorded.
    /// </summary>
    /// <remarks>
    /// <paramref name="write"/> is synchronous on purpose: Microsoft.Data.Sqlite completes its "async" methods
    /// synchronously, and a synchronous body makes plain that the gate is held only for the statements themselves.
    /// </remarks>
    public async Task<TResult> WriteAsync<TState, TResult>(
        TState state,
        Func<SqliteConnection, SqliteTransaction, TState, TResult> write,
        CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var connection = _connection ??= await database.OpenForWritingAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                var result = write(connection, transaction, state);
                transaction.Commit();
                return result;
            }
            catch (Exception exception) when (exception is not (DuplicateSerialException or ArgumentException))
            {
                // The transaction was rolled back as it was disposed; if that failed too, the connection's state is
                // unknown. Starting the next write on a fresh connection is cheap and certain.
                logger.LogDebug(exception, "Write to {DatabasePath} failed; reopening the writer connection", database.FilePath);
                connection.Dispose();
                _connection = null;
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Waits for a write in progress to finish, then closes the connection.</summary>
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _connection?.Dispose();
            _connection = null;
        }
        finally
        {
            _gate.Release();
        }
    }
}

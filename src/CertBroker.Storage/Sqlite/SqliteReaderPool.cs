using CertBroker.Storage.Rows;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Read connections, each keeping its look-ups prepared. A read borrows one for the statement's duration only, so
/// a handful serve many concurrent callers; when more are busy at once, extra connections are opened and closed
/// again on return rather than kept.
/// </summary>
internal sealed class SqliteReaderPool(SqliteDatabase database) : IDisposable
{
    /// <summary>
    /// Idle connections kept. Reads are synchronous and short, so more than a few per processor are rarely busy at
    /// once; each kept connection holds its own page cache.
    /// </summary>
    private static readonly int MaxIdle = Math.Max(4, 2 * Environment.ProcessorCount);

    private readonly Stack<SqliteReadConnection> _idle = new();
    private bool _disposed;

    /// <summary>Runs <paramref name="read"/> on a borrowed connection; a connection that failed is closed, not reused.</summary>
    public TResult Read<TState, TResult>(TState state, Func<SqliteReadConnection, TState, TResult> read)
    {
        var connection = Rent();
        TResult result;
        try
        {
            result = read(connection, state);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        Return(connection);
        return result;
    }

    /// <summary>Closes the idle connections; those lent out are closed when they come back.</summary>
    public void Dispose()
    {
        lock (_idle)
        {
            _disposed = true;
            while (_idle.TryPop(out var connection))
            {
                connection.Dispose();
            }
        }
    }

    private SqliteReadConnection Rent()
    {
        lock (_idle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryPop(out var connection))
            {
                return connection;
            }
        }

        return new SqliteReadConnection(database.OpenForReading());
    }

    private void Return(SqliteReadConnection connection)
    {
        lock (_idle)
        {
            if (!_disposed && _idle.Count < MaxIdle)
            {
                _idle.Push(connection);
                return;
            }
        }

        connection.Dispose();
    }
}

/// <summary>One read connection and its prepared look-ups; used by one caller at a time.</summary>
internal sealed class SqliteReadConnection : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly PreparedCommand<(string Profile, string TransactionId)> _findTransaction;
    private readonly PreparedCommand<string> _findBySerial;
    private readonly PreparedCommand<string> _findByThumbprint;
    private readonly PreparedCommand<long> _listRevoked;

    public SqliteReadConnection(SqliteConnection connection)
    {
        _connection = connection;
        _findTransaction = SqliteSql.FindTransaction.PrepareOn(connection);
        _findBySerial = SqliteSql.FindCertificateBySerial.PrepareOn(connection);
        _findByThumbprint = SqliteSql.FindCertificateByThumbprint.PrepareOn(connection);
        _listRevoked = SqliteSql.ListRevoked.PrepareOn(connection);
    }

    /// <summary>For statements run too rarely to keep prepared (admin look-ups, reports).</summary>
    public SqliteConnection Underlying => _connection;

    public TransactionRow? FindTransaction(string profile, string transactionId) =>
        _findTransaction.TryQuerySingle((profile, transactionId), SqliteRowReader.Transaction, out var row) ? row : null;

    public CertificateRow? FindCertificateBySerial(string serial) =>
        _findBySerial.TryQuerySingle(serial, SqliteRowReader.Certificate, out var row) ? row : null;

    public CertificateRow? FindCertificateByThumbprint(string thumbprintSha256) =>
        _findByThumbprint.TryQuerySingle(thumbprintSha256, SqliteRowReader.Certificate, out var row) ? row : null;

    public List<CertificateRow> ListRevoked(long notExpiredAt) => _listRevoked.Query(notExpiredAt, SqliteRowReader.Certificate);

    /// <summary>Once per store, so not worth keeping prepared.</summary>
    public int ReadSchemaVersion() =>
        _connection.ExecuteScalar<long>(SqliteSql.VersionTableExists) == 0
            ? 0
            : _connection.ExecuteScalar<int>(SqliteSql.CurrentVersion);

    public void Dispose()
    {
        _findTransaction.Dispose();
        _findBySerial.Dispose();
        _findByThumbprint.Dispose();
        _listRevoked.Dispose();
        _connection.Dispose();
    }
}

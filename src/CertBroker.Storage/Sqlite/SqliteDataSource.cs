using CertBroker.Core.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// One SQLite file as every store of this process shares it: the single writer connection (see
/// <see cref="SqliteWriter"/>) and the pooled read connections, each with its statements prepared. Register as a
/// singleton and build every Sqlite store over the same instance; dispose it at shutdown. Run
/// <see cref="SqliteMigrator"/> first: the schema version is checked once, on first use, and a mismatch refused.
/// </summary>
public sealed class SqliteDataSource : IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly SemaphoreSlim _readyGate = new(1, 1);
    private volatile bool _ready;

    /// <param name="options">The database file and its settings.</param>
    /// <param name="logger">Where file creation and writer failures are logged.</param>
    /// <param name="audit">The audit trail's retention; its defaults when null.</param>
    public SqliteDataSource(SqliteStoreOptions options, ILogger<SqliteDataSource> logger, AuditOptions? audit = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        AuditMaxRecords = AuditLimits.From(audit ?? new AuditOptions());
        _database = new SqliteDatabase(options, logger);
        Writer = new SqliteWriter(_database, logger);
        Readers = new SqliteReaderPool(_database);
    }

    /// <summary>The audit trail's retention per class, applied by every write that appends an audit event.</summary>
    internal AuditLimits AuditMaxRecords { get; }

    internal SqliteDatabase Database => _database;

    /// <summary>The writer; stores on the hot path call it directly after <see cref="EnsureReadyAsync"/>.</summary>
    internal SqliteWriter Writer { get; }

    internal SqliteReaderPool Readers { get; }

    /// <summary>
    /// Lets a batch of writes in progress commit, fails writes still queued with <see cref="ObjectDisposedException"/>,
    /// then closes the writer and the idle read connections.
    /// </summary>
    public void Dispose()
    {
        Writer.Dispose();
        Readers.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a pooled read connection, for statements of the admin and report look-ups
    /// that are not worth keeping prepared (Dapper on the connection is fine).
    /// </summary>
    internal async Task<TResult> ReadAsync<TState, TResult>(
        TState state, Func<SqliteConnection, TState, TResult> read, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return Readers.Read((state, read), static (connection, args) => args.read(connection.Underlying, args.state));
    }

    /// <summary>
    /// Runs <paramref name="write"/> inside the writer's transaction (its own savepoint: an exception undoes
    /// exactly its changes). Audited changes append their <see cref="AuditEvent"/> in the same call with
    /// <see cref="SqliteAudit.Append"/>, so the change and its record commit together or not at all.
    /// </summary>
    internal async Task<TResult> WriteAsync<TState, TResult>(
        TState state, Func<SqliteConnection, TState, TResult> write, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await Writer.WriteAsync((state, write), static (connection, args) => args.write(connection.Underlying, args.state), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Prepares the file and checks the schema once per process, not per call.</summary>
    internal async ValueTask EnsureReadyAsync(CancellationToken cancellationToken)
    {
        // A read runs synchronously once started, so this is where its cancellation is honoured.
        cancellationToken.ThrowIfCancellationRequested();
        if (_ready)
        {
            return;
        }

        await _readyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }

            _database.EnsureFileExists();
            var version = Readers.Read(0, static (connection, _) => connection.ReadSchemaVersion());
            var expected = SqliteMigrator.LatestVersion;
            if (version > expected)
            {
                throw new Migrations.SchemaTooNewException(version, expected);
            }

            if (version < expected)
            {
                throw new InvalidOperationException(
                    $"The database {_database.FilePath} is at schema version {version}, but this build needs version " +
                    $"{expected}. Run {nameof(SqliteMigrator)}.{nameof(SqliteMigrator.MigrateAsync)} at start-up before using the stores.");
            }

            _ready = true;
        }
        finally
        {
            _readyGate.Release();
        }
    }
}

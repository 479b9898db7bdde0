using System.Data;
using CertBroker.Core.Audit;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// One PostgreSQL database as every store of this process shares it: Npgsql's pooled data source, a check of the
/// schema version on first use, and the transaction helper every write goes through. Register as a singleton and
/// build every Postgres store over the same instance; dispose it at shutdown. Run <see cref="PostgresMigrator"/>
/// first.
/// </summary>
/// <remarks>
/// Unlike SQLite's single writer, several nodes write at once. Every guarantee the stores give is therefore kept by
/// the database: unique constraints, <c>INSERT … ON CONFLICT</c>, <c>UPDATE … WHERE</c> conditions checked on the
/// row PostgreSQL has locked, and row locks (<c>SELECT … FOR UPDATE</c>) inside <see cref="WriteAsync{TResult}"/>.
/// Nothing in this process's memory decides.
/// </remarks>
public sealed class PostgresDataSource : IDisposable, IAsyncDisposable
{
    /// <summary>Advisory lock key taken for the length of a transaction that appends audit events (see <see cref="PostgresAudit.AddAppend"/>).</summary>
    public const long AuditOrderLockKey = 0x4365_7274_4175_6431; // "CertAud1"

    /// <summary>Advisory lock key of the migrator: nodes starting together migrate one after the other.</summary>
    public const long MigrationLockKey = 0x4365_7274_4d69_6731; // "CertMig1"

    private readonly NpgsqlDataSource _source;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _readyGate = new(1, 1);
    private volatile bool _ready;

    public PostgresDataSource(PostgresStoreOptions options, ILogger<PostgresDataSource> logger, AuditOptions? audit = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        PostgresStoreOptionsValidator.ThrowIfInvalid(options);
        Options = options;
        _logger = logger;
        Audit = audit ?? new AuditOptions();
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "certbroker";
        // The stores change no session state (no SET, no temporary tables, no LISTEN), so a connection going back to
        // the pool needs no reset: without this Npgsql sends DISCARD-like statements with every pooled use, four per
        // enrolment.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The hot path's statements are few and the same every time: prepared once per pooled connection, they
            // skip PostgreSQL's parse and plan on every enrolment.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 128;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
        _source = builder.Build();
    }

    public PostgresStoreOptions Options { get; }

    /// <summary>The audit trail's retention, applied by every write that appends an audit event.</summary>
    public AuditOptions Audit { get; }

    /// <summary>The pooled Npgsql data source, for the scheduler's job store and tools.</summary>
    public NpgsqlDataSource Npgsql => _source;

    /// <summary>Where the stores log what they recover from.</summary>
    internal ILogger Logger => _logger;

    public void Dispose() => _source.Dispose();

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    /// <summary>Opens a pooled connection after the schema check; the caller disposes it.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="read"/> on a pooled connection, outside any explicit transaction.</summary>
    public async Task<TResult> ReadAsync<TResult>(Func<NpgsqlConnection, CancellationToken, Task<TResult>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await read(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="write"/> in one transaction (READ COMMITTED unless asked otherwise) and commits it. A
    /// transaction PostgreSQL aborts for a serialization failure or a deadlock runs again from the start, up to
    /// <see cref="PostgresStoreOptions.MaxRetries"/> times, so <paramref name="write"/> must not have effects outside
    /// the database. Once the transaction has begun, cancellation is no longer honoured: a caller that gives up cannot
    /// leave a signed certificate unrecorded.
    /// </summary>
    public async Task<TResult> WriteAsync<TResult>(
        Func<NpgsqlConnection, NpgsqlTransaction, Task<TResult>> write,
        CancellationToken cancellationToken,
        IsolationLevel isolation = IsolationLevel.ReadCommitted)
    {
        ArgumentNullException.ThrowIfNull(write);
        cancellationToken.ThrowIfCancellationRequested();
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(isolation, CancellationToken.None).ConfigureAwait(false);
            try
            {
                var result = await write(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException e) when (IsRetryable(e) && attempt < Options.MaxRetries)
            {
                _logger.LogDebug("PostgreSQL aborted a transaction ({SqlState}); running it again", e.SqlState);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 << Math.Min(attempt, 5))), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>40001 serialization_failure and 40P01 deadlock_detected: the whole transaction may simply run again.</summary>
    public static bool IsRetryable(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    /// <summary>23505 unique_violation.</summary>
    public static bool IsUniqueViolation(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>Checks the schema version once per process, not per call.</summary>
    public async ValueTask EnsureReadyAsync(CancellationToken cancellationToken)
    {
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

            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var version = await PostgresMigrator.ReadVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
            var expected = PostgresMigrator.LatestVersion;
            if (version > expected)
            {
                throw new Migrations.SchemaTooNewException(version, expected);
            }

            if (version < expected)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL database is at schema version {version}, but this build needs version {expected}. " +
                    $"Run {nameof(PostgresMigrator)}.{nameof(PostgresMigrator.MigrateAsync)} at start-up before using the stores.");
            }

            _ready = true;
        }
        finally
        {
            _readyGate.Release();
        }
    }
}

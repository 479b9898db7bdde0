using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Migrations;
using CertBroker.Storage.Rows;
using Dapper;
using Microsoft.Extensions.Logging;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Applies the embedded scripts under Sqlite/Migrations in version order, all pending ones in one transaction,
/// and records each in the schema_version table. Running it again is a no-op; a database migrated by a newer build
/// is refused with <see cref="SchemaTooNewException"/>.
/// </summary>
public sealed class SqliteMigrator : IStoreMigrator
{
    private const string ResourcePrefix = "CertBroker.Storage.Sqlite.Migrations.";

    private static readonly Lazy<IReadOnlyList<MigrationScript>> EmbeddedScripts =
        new(() => EmbeddedMigrations.Load(typeof(SqliteMigrator).Assembly, ResourcePrefix));

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SqliteMigrator> _logger;

    public SqliteMigrator(SqliteStoreOptions options, TimeProvider timeProvider, ILogger<SqliteMigrator> logger)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _database = new SqliteDatabase(options, logger);
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The schema version this build creates and expects.</summary>
    public static int LatestVersion => MigrationPlan.LatestVersion(Scripts);

    internal static IReadOnlyList<MigrationScript> Scripts => EmbeddedScripts.Value;

    /// <exception cref="SchemaTooNewException">The database was migrated by a newer build.</exception>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _database.EnsureFileExists();

        await using var connection = _database.OpenForWriting();
        // BEGIN IMMEDIATE takes the write lock before the version is read, so two instances starting together
        // cannot both apply the same script: the second waits, then sees the new version.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await connection.ExecuteAsync(SqliteSql.CreateVersionTable, transaction: transaction).ConfigureAwait(false);
        var current = await connection.ExecuteScalarAsync<int>(SqliteSql.CurrentVersion, transaction: transaction)
            .ConfigureAwait(false);

        var pending = MigrationPlan.Pending(Scripts, current);
        if (pending.Count == 0)
        {
            // Nothing to write; ending the transaction either way leaves the file untouched.
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            _logger.LogDebug("Database {DatabasePath} is at schema version {Version}", _database.FilePath, current);
            return current;
        }

        var appliedAt = UnixMicroseconds.From(_timeProvider.GetUtcNow());
        foreach (var script in pending)
        {
            await connection.ExecuteAsync(script.Sql, transaction: transaction).ConfigureAwait(false);
            await connection.ExecuteAsync(
                SqliteSql.RecordVersion,
                new { script.Version, script.Name, AppliedAt = appliedAt },
                transaction).ConfigureAwait(false);
        }

        // Past this point the work is done; a late cancellation must not throw away a completed migration.
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        var latest = pending[^1].Version;
        _logger.LogInformation(
            "Migrated database {DatabasePath} from schema version {FromVersion} to {ToVersion}",
            _database.FilePath, current, latest);
        return latest;
    }
}

using CertBroker.Core.Storage;
using CertBroker.Storage.Migrations;
using CertBroker.Storage.Rows;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// Applies the embedded scripts under Postgres/Migrations in version order, all pending ones in one transaction,
/// and records each in schema_version. The transaction first takes an advisory lock, so nodes that start together
/// migrate one after the other: the first applies the scripts, the others wait, then find nothing to do. A database
/// migrated by a newer build is refused with <see cref="SchemaTooNewException"/>.
/// </summary>
public sealed class PostgresMigrator : IStoreMigrator
{
    private const string ResourcePrefix = "CertBroker.Storage.Postgres.Migrations.";

    private const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at BIGINT  NOT NULL
        )
        """;

    private static readonly Lazy<IReadOnlyList<MigrationScript>> EmbeddedScripts =
        new(() => EmbeddedMigrations.Load(typeof(PostgresMigrator).Assembly, ResourcePrefix));

    private readonly PostgresStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PostgresMigrator> _logger;

    public PostgresMigrator(PostgresStoreOptions options, TimeProvider timeProvider, ILogger<PostgresMigrator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        PostgresStoreOptionsValidator.ThrowIfInvalid(options);
        _options = options;
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
        await using var connection = new NpgsqlConnection(_options.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", PostgresDataSource.MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var create = new NpgsqlCommand(CreateVersionTable, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var current = await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var pending = MigrationPlan.Pending(Scripts, current);
        if (pending.Count == 0)
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            _logger.LogDebug("PostgreSQL database {Database} is at schema version {Version}", connection.Database, current);
            return current;
        }

        var appliedAt = UnixMicroseconds.From(_timeProvider.GetUtcNow());
        foreach (var script in pending)
        {
            await using (var apply = new NpgsqlCommand(script.Sql, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var record = new NpgsqlCommand(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @appliedAt)", connection, transaction);
            record.Parameters.AddWithValue("version", script.Version);
            record.Parameters.AddWithValue("name", script.Name);
            record.Parameters.AddWithValue("appliedAt", appliedAt);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        var latest = pending[^1].Version;
        _logger.LogInformation(
            "Migrated PostgreSQL database {Database} from schema version {FromVersion} to {ToVersion}",
            connection.Database, current, latest);
        return latest;
    }

    /// <summary>The highest applied version; 0 when the database has no schema_version table yet.</summary>
    internal static async Task<int> ReadVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL", connection, transaction);
        var exists = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (!exists)
        {
            return 0;
        }

        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}

using System.Globalization;
using CertBroker.Storage.Postgres;
using CertBroker.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace CertBroker.Storage.Copy;

/// <summary>
/// Copies a broker's SQLite database into PostgreSQL (<c>certbroker db copy</c>): migrates the target with
/// <see cref="PostgresMigrator"/>, then copies every store table both schemas have, parents first, keeping every ID,
/// and sets each identity sequence past the highest ID. Rows go in batches: binary COPY into a temporary table, then
/// <c>INSERT … SELECT … ON CONFLICT DO NOTHING</c>, one transaction per batch, so a run that stops part-way can simply
/// be run again, and a second run copies nothing and changes nothing. Afterwards both sides of every table are
/// counted and checksummed (<see cref="TableChecksum"/>). The scheduler's QRTZ_* tables and schema_version are not
/// copied; nor is SQLite's search index, which PostgreSQL keeps for itself.
/// </summary>
/// <remarks>Stop the broker that uses the SQLite file first: the copy reads it, but does not stop writes.</remarks>
public sealed partial class StoreCopy
{
    /// <summary>
    /// Rows PostgreSQL's migration inserts itself, which the source's values replace rather than lose to: the audit
    /// trail's per-class counts.
    /// </summary>
    private static readonly HashSet<string> SeededTables = new(StringComparer.Ordinal) { "audit_class_counts" };

    private readonly string _sqlitePath;
    private readonly PostgresStoreOptions _target;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<StoreCopy> _logger;

    /// <param name="sqlitePath">The SQLite database file, at this build's schema version.</param>
    /// <param name="postgresConnectionString">The target database; it is migrated first.</param>
    public StoreCopy(string sqlitePath, string postgresConnectionString, TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sqlitePath);
        _sqlitePath = Path.GetFullPath(sqlitePath);
        _target = new PostgresStoreOptions { ConnectionString = postgresConnectionString };
        _time = time ?? TimeProvider.System;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<StoreCopy>();
    }

    /// <summary>Rows per COPY batch and transaction. Default 20,000.</summary>
    public int BatchSize { get; init; } = 20_000;

    /// <exception cref="StoreCopyException">The SQLite file is missing or not at <see cref="SqliteMigrator.LatestVersion"/>.</exception>
    /// <exception cref="Migrations.SchemaTooNewException">The PostgreSQL database was migrated by a newer build.</exception>
    public async Task<StoreCopyResult> RunAsync(CancellationToken cancellationToken)
    {
        await using SqliteConnection sqlite = await OpenSourceAsync(cancellationToken).ConfigureAwait(false);
        await new PostgresMigrator(_target, _time, _loggers.CreateLogger<PostgresMigrator>()).MigrateAsync(cancellationToken).ConfigureAwait(false);

        var builder = new NpgsqlDataSourceBuilder(_target.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "certbroker-db-copy";
        await using NpgsqlDataSource postgres = builder.Build();
        await using NpgsqlConnection connection = await postgres.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        (List<CopyTable> tables, List<string> notes) = await StoreCopySchema.ReadAsync(sqlite, connection, cancellationToken).ConfigureAwait(false);

        var results = new List<TableCopyResult>();
        foreach (CopyTable table in tables)
        {
            long copied = await CopyAsync(sqlite, connection, table, cancellationToken).ConfigureAwait(false);
            await ResetIdentityAsync(connection, table, cancellationToken).ConfigureAwait(false);
            (long sourceRows, string sourceChecksum) = await ChecksumAsync(sqlite, table, cancellationToken).ConfigureAwait(false);
            (long targetRows, string targetChecksum) = await ChecksumAsync(connection, table, cancellationToken).ConfigureAwait(false);
            var result = new TableCopyResult(table.Name, copied, sourceRows, targetRows, sourceChecksum, targetChecksum);
            LogTable(table.Name, copied, sourceRows, targetRows, result.Matches);
            results.Add(result);
        }

        return new StoreCopyResult(results, notes);
    }

    private async Task<SqliteConnection> OpenSourceAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_sqlitePath))
        {
            throw new StoreCopyException($"There is no SQLite database at {_sqlitePath}.");
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _sqlitePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
            long version = 0;
            if ((long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0)
            {
                command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
                version = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            if (version != SqliteMigrator.LatestVersion)
            {
                throw new StoreCopyException(
                    $"The SQLite database {_sqlitePath} is at schema version {version}; this build copies version {SqliteMigrator.LatestVersion} only. " +
                    (version < SqliteMigrator.LatestVersion
                        ? "Start this build's broker on it once (it migrates the file), stop it, then copy."
                        : "Copy it with the build that migrated it."));
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <returns>Rows inserted, or for a seeded table inserted or updated.</returns>
    private async Task<long> CopyAsync(SqliteConnection sqlite, NpgsqlConnection postgres, CopyTable table, CancellationToken cancellationToken)
    {
        await using SqliteCommand read = sqlite.CreateCommand();
        read.CommandText = $"SELECT {table.ColumnList} FROM {table.Sql} ORDER BY {table.SqliteOrder}";
        await using SqliteDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        long copied = 0;
        bool more = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        while (more)
        {
            await using NpgsqlTransaction transaction = await postgres.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(postgres, $"CREATE TEMP TABLE copy_batch (LIKE {table.Sql}) ON COMMIT DROP", cancellationToken).ConfigureAwait(false);
            int rows = 0;
            await using (NpgsqlBinaryImporter import = await postgres.BeginBinaryImportAsync(
                $"COPY copy_batch ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
            {
                do
                {
                    await import.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    for (int i = 0; i < table.Columns.Count; i++)
                    {
                        await WriteAsync(import, table, table.Columns[i], reader.IsDBNull(i) ? null : reader.GetValue(i), cancellationToken).ConfigureAwait(false);
                    }

                    rows++;
                    more = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                while (more && rows < BatchSize);

                await import.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            copied += await ExecuteAsync(postgres, InsertSql(table), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            LogBatch(table.Name, rows);
        }

        return copied;
    }

    private static string InsertSql(CopyTable table)
    {
        string insert = $"INSERT INTO {table.Sql} AS target ({table.ColumnList}) SELECT {table.ColumnList} FROM copy_batch";
        if (!SeededTables.Contains(table.Name))
        {
            return insert + " ON CONFLICT DO NOTHING";
        }

        CopyColumn[] values = [.. table.Columns.Except(table.PrimaryKey)];
        string keys = string.Join(", ", table.PrimaryKey.Select(c => c.Sql));
        return insert + $" ON CONFLICT ({keys}) DO UPDATE SET "
            + string.Join(", ", values.Select(c => $"{c.Sql} = EXCLUDED.{c.Sql}"))
            + $" WHERE ({string.Join(", ", values.Select(c => "target." + c.Sql))}) IS DISTINCT FROM ({string.Join(", ", values.Select(c => "EXCLUDED." + c.Sql))})";
    }

    /// <summary>Writes one SQLite value as the PostgreSQL column's type; SQLite's INTEGER, TEXT and BLOB map one to one.</summary>
    private static Task WriteAsync(NpgsqlBinaryImporter import, CopyTable table, CopyColumn column, object? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            return import.WriteNullAsync(cancellationToken);
        }

        try
        {
            return column.DbType switch
            {
                NpgsqlDbType.Bigint => import.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), column.DbType, cancellationToken),
                NpgsqlDbType.Integer => import.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), column.DbType, cancellationToken),
                NpgsqlDbType.Smallint => import.WriteAsync(Convert.ToInt16(value, CultureInfo.InvariantCulture), column.DbType, cancellationToken),
                NpgsqlDbType.Boolean => import.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0, column.DbType, cancellationToken),
                NpgsqlDbType.Double => import.WriteAsync(Convert.ToDouble(value, CultureInfo.InvariantCulture), column.DbType, cancellationToken),
                NpgsqlDbType.Bytea => import.WriteAsync((byte[])value, column.DbType, cancellationToken),
                _ => import.WriteAsync((string)value, column.DbType, cancellationToken),
            };
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException)
        {
            throw new StoreCopyException($"{table.Name}.{column.Name} holds a {value.GetType().Name} in SQLite that does not fit PostgreSQL's {column.PostgresType}.");
        }
    }

    /// <summary>Sets each identity column's sequence past the highest ID, so new rows do not collide with copied ones.</summary>
    private static async Task ResetIdentityAsync(NpgsqlConnection postgres, CopyTable table, CancellationToken cancellationToken)
    {
        foreach (CopyColumn column in table.Columns.Where(c => c.IsIdentity))
        {
            await using var command = new NpgsqlCommand(
                $"SELECT setval(pg_get_serial_sequence(@table, @column), COALESCE(MAX({column.Sql}), 1), MAX({column.Sql}) IS NOT NULL) FROM {table.Sql}",
                postgres);
            command.Parameters.AddWithValue("table", table.Sql);
            command.Parameters.AddWithValue("column", column.Name);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<(long Rows, string Checksum)> ChecksumAsync(SqliteConnection sqlite, CopyTable table, CancellationToken cancellationToken)
    {
        await using SqliteCommand command = sqlite.CreateCommand();
        command.CommandText = $"SELECT {table.ColumnList} FROM {table.Sql} ORDER BY {table.SqliteOrder}";
        await using SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await TableChecksum.ComputeAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(long Rows, string Checksum)> ChecksumAsync(NpgsqlConnection postgres, CopyTable table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {table.ColumnList} FROM {table.Sql} ORDER BY {table.PostgresOrder}", postgres);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await TableChecksum.ComputeAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Copied a batch of {Rows} rows of {Table}")]
    private partial void LogBatch(string table, int rows);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Table {Table}: copied {Copied}, {SourceRows} rows in SQLite, {TargetRows} in PostgreSQL, checksums match: {Matches}")]
    private partial void LogTable(string table, long copied, long sourceRows, long targetRows, bool matches);
}

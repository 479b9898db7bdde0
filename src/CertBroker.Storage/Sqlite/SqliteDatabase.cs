using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CertBroker.Storage.Sqlite;

/// <summary>The database file and how connections to it are opened; shared by the store and the migrator.</summary>
internal sealed class SqliteDatabase
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerReadWrite | UnixFileMode.UserExecute;

    private static readonly Lazy<bool> NativeLibrary = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    private readonly SqliteStoreOptions _options;
    private readonly ILogger _logger;
    private readonly string _connectionString;

    public SqliteDatabase(SqliteStoreOptions options, ILogger logger)
    {
        SqliteStoreOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _logger = logger;
        FilePath = Path.GetFullPath(options.DatabasePath);

        // Mode=ReadWrite, not ReadWriteCreate: the file is created by EnsureFileExists with owner-only permissions,
        // and a file deleted under a running service must fail loudly rather than come back empty.
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            // Microsoft.Data.Sqlite retries busy statements itself until this many seconds have passed; 0 would mean forever.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
            // The store keeps its own connections open with their commands prepared (SqliteReaderPool,
            // SqliteWriter); Microsoft.Data.Sqlite's pool would finalize those statements on every return.
            Pooling = false,
        };
        _connectionString = builder.ToString();
    }

    public string FilePath { get; }

    /// <summary>How long the writer waits, after a transaction of several writes, before it takes the next batch.</summary>
    public TimeSpan CommitDelay => _options.CommitDelay;

    /// <summary>
    /// Creates the directory and an empty database file with owner-only permissions before SQLite touches them:
    /// the file holds CSRs, and SQLite gives its -wal and -shm files the same permissions as the database.
    /// </summary>
    public void EnsureFileExists()
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, OwnerOnlyDirectory);
            }

            _logger.LogInformation("Created database directory {Directory}", directory);
        }

        if (!File.Exists(FilePath))
        {
            CreateEmptyFile();
        }

        if (!OperatingSystem.IsWindows())
        {
            RestrictToOwner();
        }
    }

    /// <summary>A connection for reads; with the write-ahead log they never wait for the writer.</summary>
    public SqliteConnection OpenForReading()
    {
        _ = NativeLibrary.Value;
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            // A reader can still meet a lock for an instant (the shared-memory index is being reset after a
            // checkpoint). SQLite's busy handler retries within a millisecond; without one Microsoft.Data.Sqlite
            // sleeps 150 ms before retrying.
            SetBusyTimeout(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A connection set up for writing: write-ahead log (readers never block the writer and the writer never
    /// blocks readers), the configured synchronous level, and SQLite's own busy wait so BEGIN IMMEDIATE queues
    /// behind another process's write instead of failing at once.
    /// </summary>
    /// <remarks>Synchronous like the writes themselves: Microsoft.Data.Sqlite opens and executes synchronously anyway.</remarks>
    public SqliteConnection OpenForWriting()
    {
        _ = NativeLibrary.Value;
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            // The busy handler first: switching a new file to WAL takes a lock another starting instance may hold.
            SetBusyTimeout(connection);
            var synchronous = _options.Synchronous == SqliteSynchronousMode.Full ? "FULL" : "NORMAL";
            // temp_store = MEMORY: every write of a group commit runs in its own savepoint, and SQLite keeps a
            // savepoint's undo pages in a statement journal that spills to a temporary file past 64 KiB. On disk
            // that meant creating, writing and unlinking a file in every transaction; in memory it is a buffer
            // freed at RELEASE.
            // wal_autocheckpoint: a thread of its own copies the log into the database file in the background
            // (SqliteCheckpointer); the committing connection does so itself only as a backstop.
            connection.Execute(
                $"PRAGMA synchronous = {synchronous}; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = {SqliteCheckpointer.BackstopPages};");

            var journalMode = connection.ExecuteScalar<string>("PRAGMA journal_mode = WAL");
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"SQLite database {FilePath} could not switch to write-ahead logging (journal mode is {journalMode}); " +
                    "the store relies on it for concurrent reads and writes. Is the file on a network file system?");
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// SQLite's own busy handler, which retries after 1, 2, 5, 10 … 100 ms. The bundled build sleeps with
    /// nanosleep, so those are real milliseconds (decision 1 in docs/decisions.md; SqliteNativeWaitTests).
    /// </summary>
    private void SetBusyTimeout(SqliteConnection connection)
    {
        var milliseconds = (int)Math.Min((long)_options.BusyTimeout.TotalMilliseconds, int.MaxValue);
        int result = SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, milliseconds);
        if (result != SQLitePCL.raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"SQLite refused the busy timeout (result code {result}).");
        }
    }

    private void CreateEmptyFile()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        try
        {
            // SQLite treats a zero-length file as an empty database.
            using var stream = new FileStream(FilePath, options);
            _logger.LogInformation("Created database file {DatabasePath}", FilePath);
        }
        catch (IOException) when (File.Exists(FilePath))
        {
            // Another process or store created it between the check and the create; theirs is as good as ours.
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private void RestrictToOwner()
    {
        var mode = File.GetUnixFileMode(FilePath);
        if ((mode & ~OwnerReadWrite) == 0)
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(FilePath, OwnerReadWrite);
            _logger.LogWarning(
                "Database file {DatabasePath} was accessible beyond its owner ({Mode}); restricted it to 0600",
                FilePath, mode);
        }
        catch (UnauthorizedAccessException exception)
        {
            // The service does not own the file (e.g. created by root for a group); its owner decides, so carry on.
            _logger.LogWarning(exception,
                "Database file {DatabasePath} is accessible beyond its owner ({Mode}) and this account cannot change that",
                FilePath, mode);
        }
    }
}

namespace CertBroker.Storage.Sqlite;

/// <summary>Where the SQLite database lives and how it trades durability for speed.</summary>
public sealed class SqliteStoreOptions
{
    public const string SectionName = "CertBroker:Storage:Sqlite";

    /// <summary>
    /// Path of the database file. Required; there is no default, because a database holding CSRs and the
    /// certificate inventory must not appear silently in whatever directory the service happened to start in.
    /// A relative path resolves against the process's current directory. The file and any missing directories are
    /// created on first use, readable by the service account only (0600 file, 0700 directories).
    /// </summary>
    public string DatabasePath { get; set; } = "";

    /// <summary>
    /// How long a write waits for another connection or process holding the write lock before it fails.
    /// Default: 30 seconds. The scheduler's job store shares the file, and on a starved machine one of its
    /// transactions has held the lock for more than 5 seconds; a write that fails loses the enrolment's answer,
    /// one that waits only delays it. Must be between zero and about 24 days.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When a commit reaches the disk. Default: <see cref="SqliteSynchronousMode.Normal"/>, which with the
    /// write-ahead log the store always uses cannot corrupt the database and survives a crash of the service;
    /// only a power loss or kernel crash can undo the last commits. Choose <see cref="SqliteSynchronousMode.Full"/>
    /// to flush every commit, at the cost of one disk flush per enrolment.
    /// </summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Normal;

    /// <summary>
    /// Group commit under load: after a transaction that held the writes of several callers, the writer waits this
    /// long before it starts the next one, so that writes arriving meanwhile share it. A write that finds the writer
    /// idle after a lone write is never held back. Default: 4 ms, which under a fleet re-key puts about ten
    /// enrolments in each transaction and cuts the storage's CPU per enrolment by about a quarter. Zero turns it off;
    /// at most 1 second.
    /// </summary>
    public TimeSpan CommitDelay { get; set; } = TimeSpan.FromMilliseconds(4);
}

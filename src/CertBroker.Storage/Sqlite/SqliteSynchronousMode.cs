namespace CertBroker.Storage.Sqlite;

/// <summary>SQLite's PRAGMA synchronous settings that are safe in write-ahead-log mode.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// The log is flushed at checkpoints, not at every commit. A committed enrolment survives a crash of the
    /// service, but the most recent commits can be lost if the machine itself loses power.
    /// </summary>
    Normal = 1,

    /// <summary>Every commit is flushed to disk before it returns.</summary>
    Full = 2,
}

namespace CertBroker.Storage.Rows;

/// <summary>The statements of the cluster-state stores that read the same on SQLite and PostgreSQL.</summary>
internal static class ClusterSql
{
    public const string ReserveCrlNumber = """
        INSERT INTO crl_numbers (issuer, last_number) VALUES (@Issuer, @Floor + 1)
        ON CONFLICT (issuer) DO UPDATE SET last_number = CASE
            WHEN crl_numbers.last_number > @Floor THEN crl_numbers.last_number + 1 ELSE @Floor + 1 END
        RETURNING last_number
        """;

    // Keeps the newest few: the rows below the Kept-th newest go.
    public const string SaveCrl = """
        INSERT INTO crls (issuer, number, this_update, next_update, der) VALUES (@Issuer, @Number, @ThisUpdate, @NextUpdate, @Der)
        ON CONFLICT (issuer, number) DO NOTHING;
        DELETE FROM crls WHERE issuer = @Issuer AND number < (
            SELECT number FROM crls WHERE issuer = @Issuer ORDER BY number DESC LIMIT 1 OFFSET @Kept - 1)
        """;

    public const string NewestCrlNumber = "SELECT max(number) FROM crls WHERE issuer = @Issuer";

    public const string NewestCrl = $"SELECT {CrlRow.Columns} FROM crls WHERE issuer = @Issuer ORDER BY number DESC LIMIT 1";

    public const string FindFailures =
        $"SELECT {FailureCountRow.Columns} FROM failure_counts WHERE kind = @Kind AND subject = @Subject AND source = @Source";

    public const string ListFailures = $"SELECT {FailureCountRow.Columns} FROM failure_counts WHERE kind = @Kind AND subject = @Subject";

    public const string ClearFailures = "DELETE FROM failure_counts WHERE kind = @Kind AND subject = @Subject";

    public const string ResetFailures =
        "DELETE FROM failure_counts WHERE kind = @Kind AND subject = @Subject AND source = @Source AND locked_until <= @Now";

    public const string UpsertFailures = """
        INSERT INTO failure_counts (kind, subject, source, count, window_start, last_failure, locked_until, expires_at)
        VALUES (@Kind, @Subject, @Source, @Count, @WindowStart, @LastFailure, @LockedUntil, @ExpiresAt)
        ON CONFLICT (kind, subject, source) DO UPDATE SET count = excluded.count, window_start = excluded.window_start,
            last_failure = excluded.last_failure, locked_until = excluded.locked_until, expires_at = excluded.expires_at
        """;

    // Room for a new key: rows that no longer matter go, then, at the cap, the hundredth of rows ending soonest.
    public const string SweepFailures = "DELETE FROM failure_counts WHERE expires_at <= @Now";

    public const string CountFailureKeys = "SELECT count(*) FROM failure_counts";

    public const string EvictFailures = """
        DELETE FROM failure_counts WHERE (kind, subject, source) IN (
            SELECT kind, subject, source FROM failure_counts ORDER BY expires_at LIMIT @Evict)
        """;

    // Taken when free, ended, or already ours (a renewal); the row comes back only then.
    public const string AcquireLease = """
        INSERT INTO leases (name, holder, expires_at) VALUES (@Name, @Holder, @ExpiresAt)
        ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE leases.holder = excluded.holder OR leases.expires_at <= @Now
        RETURNING holder
        """;

    public const string ReleaseLease = "DELETE FROM leases WHERE name = @Name AND holder = @Holder";

    public const string AddInstallationFact = """
        INSERT INTO installation (key, value, recorded_at) VALUES (@Key, @Value, @RecordedAt) ON CONFLICT (key) DO NOTHING
        """;

    public const string FindInstallationFact = "SELECT value FROM installation WHERE key = @Key";
}

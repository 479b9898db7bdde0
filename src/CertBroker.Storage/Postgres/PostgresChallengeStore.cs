using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Renewal;
using CertBroker.Storage.Rows;
using Dapper;

namespace CertBroker.Storage.Postgres;

/// <summary>One-time enrolment challenges on PostgreSQL: created by an administrator, consumed once across all nodes.</summary>
public sealed class PostgresChallengeStore(PostgresDataSource source) : IChallengeStore, IChallengeCleanup
{
    /// <summary>Serialises creations per profile across nodes, so the cap on outstanding passwords holds.</summary>
    private const string LockProfile = "SELECT pg_advisory_xact_lock(hashtextextended('challenges/' || lower(@Profile), 0))";

    public Task<bool> CreateAsync(OneTimeChallenge challenge, int maxOutstanding, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(auditEvent);
        var row = ChallengeRow.From(challenge);
        return source.WriteAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync(LockProfile, new { row.Profile }, tx).ConfigureAwait(false);
            var outstanding = await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM challenges WHERE profile = @Profile::citext AND consumed_at IS NULL AND expires_at > @CreatedAt",
                new { row.Profile, row.CreatedAt }, tx).ConfigureAwait(false);
            if (outstanding >= maxOutstanding)
            {
                return false;
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO challenges (password_sha256, profile, binding_kind, binding_value, created_by, created_at, expires_at)
                VALUES (@PasswordSha256, @Profile, @BindingKind, @BindingValue, @CreatedBy, @CreatedAt, @ExpiresAt)
                """,
                row, tx).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "DELETE FROM challenges WHERE consumed_at IS NULL AND expires_at <= @CreatedAt", new { row.CreatedAt }, tx).ConfigureAwait(false);
            await PostgresAudit.AppendAsync(connection, tx, auditEvent, source.Audit).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<OneTimeChallenge?> FindByPasswordHashAsync(string passwordSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(passwordSha256);
        return source.ReadAsync(async (connection, _) =>
            (await connection.QuerySingleOrDefaultAsync<ChallengeRow>(
                $"SELECT {PostgresChallenges.Columns} FROM challenges WHERE password_sha256 = @Hash::citext", new { Hash = passwordSha256 }).ConfigureAwait(false))?.ToRecord(),
            cancellationToken);
    }

    public Task<int> DeleteSpentAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) =>
        source.WriteAsync((connection, tx) => connection.ExecuteAsync(
            """
            DELETE FROM challenges WHERE id IN (
                SELECT id FROM challenges
                WHERE (consumed_at IS NOT NULL AND consumed_at < @Before) OR (consumed_at IS NULL AND expires_at < @Before)
                LIMIT @Batch FOR UPDATE SKIP LOCKED)
            """,
            new { Before = UnixMicroseconds.From(before), Batch = (long)batchSize }, tx), cancellationToken);
}

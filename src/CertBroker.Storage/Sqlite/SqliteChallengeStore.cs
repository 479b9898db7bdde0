using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Storage.Rows;
using CertBroker.Core.Renewal;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>One-time enrolment challenges: created by an administrator, consumed by an enrolment, cleaned up when spent.</summary>
public sealed class SqliteChallengeStore(SqliteDataSource source) : IChallengeStore, IChallengeCleanup
{
    public Task<bool> CreateAsync(OneTimeChallenge challenge, int maxOutstanding, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(auditEvent);
        var row = ChallengeRow.From(challenge);
        return source.WriteAsync((row, maxOutstanding, auditEvent, source.AuditMaxRecords), static (connection, args) =>
        {
            long outstanding = connection.ExecuteScalar<long>(
                "SELECT count(*) FROM challenges WHERE profile = @Profile AND consumed_at IS NULL AND expires_at > @CreatedAt",
                args.row);
            if (outstanding >= args.maxOutstanding)
            {
                return false;
            }

            connection.Execute(
                """
                INSERT INTO challenges (password_sha256, profile, binding_kind, binding_value, created_by, created_at, expires_at)
                VALUES (@PasswordSha256, @Profile, @BindingKind, @BindingValue, @CreatedBy, @CreatedAt, @ExpiresAt)
                """,
                args.row);

            // Expired passwords are of no further use; dropping them here keeps the table as small as the cap.
            connection.Execute("DELETE FROM challenges WHERE consumed_at IS NULL AND expires_at <= @CreatedAt", args.row);
            SqliteAudit.Append(connection, args.auditEvent, args.AuditMaxRecords);
            return true;
        }, cancellationToken);
    }

    public Task<OneTimeChallenge?> FindByPasswordHashAsync(string passwordSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(passwordSha256);
        return source.ReadAsync(passwordSha256, static (connection, hash) =>
            connection.QuerySingleOrDefault<ChallengeRow>(
                $"SELECT {SqliteChallenges.Columns} FROM challenges WHERE password_sha256 = @Hash", new { Hash = hash })?.ToRecord(),
            cancellationToken);
    }

    public Task<int> DeleteSpentAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) =>
        source.WriteAsync((before: UnixMicroseconds.From(before), batchSize), static (connection, args) =>
        {
            using SqliteCommand delete = connection.CreateCommand();
            delete.CommandText = """
                DELETE FROM challenges WHERE id IN (
                    SELECT id FROM challenges
                    WHERE (consumed_at IS NOT NULL AND consumed_at < @Before) OR (consumed_at IS NULL AND expires_at < @Before)
                    LIMIT @Batch)
                """;
            delete.Parameters.AddWithValue("@Before", args.before);
            delete.Parameters.AddWithValue("@Batch", args.batchSize);
            return delete.ExecuteNonQuery();
        }, cancellationToken);
}

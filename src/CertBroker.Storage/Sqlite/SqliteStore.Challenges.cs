using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Storage.Rows;
using Dapper;

namespace CertBroker.Storage.Sqlite;

public sealed partial class SqliteStore : IChallengeStore
{
    public Task<bool> CreateAsync(OneTimeChallenge challenge, int maxOutstanding, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(auditEvent);
        var row = ChallengeRow.From(challenge);
        return WriteAsync((row, maxOutstanding, auditEvent, _auditMaxRecords), static (connection, args) =>
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
            SqliteAudit.Append(connection, args.auditEvent, args._auditMaxRecords);
            return true;
        }, cancellationToken);
    }

    public Task<OneTimeChallenge?> FindByPasswordHashAsync(string passwordSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(passwordSha256);
        return ReadAsync(passwordSha256, static (connection, hash) =>
            connection.QuerySingleOrDefault<ChallengeRow>(
                $"SELECT {SqliteChallenges.Columns} FROM challenges WHERE password_sha256 = @Hash", new { Hash = hash })?.ToRecord(),
            cancellationToken);
    }
}

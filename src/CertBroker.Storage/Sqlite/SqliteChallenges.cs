using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Rows;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>A one-time password to mark used by a transaction, with what its audit event needs.</summary>
internal sealed record ChallengeUse(ChallengeRedemption Redemption, string TransactionId, AuditLimits AuditMaxRecords);

/// <summary>Statements of the <c>challenges</c> table, run on the connection of the write they belong to.</summary>
internal static class SqliteChallenges
{
    public const string Columns = """
        id AS Id, password_sha256 AS PasswordSha256, profile AS Profile, binding_kind AS BindingKind,
        binding_value AS BindingValue, created_by AS CreatedBy, created_at AS CreatedAt, expires_at AS ExpiresAt,
        consumed_at AS ConsumedAt, consumed_transaction AS ConsumedTransaction
        """;

    /// <summary>
    /// Marks the password used by <see cref="ChallengeUse.TransactionId"/> and appends its audit event. Already used
    /// by the same transaction (a re-sent or approved request) is fine and writes nothing.
    /// </summary>
    /// <exception cref="ChallengeAlreadyUsedException">Another transaction used it first.</exception>
    public static void Consume(SqliteConnection connection, ChallengeUse use)
    {
        long id = use.Redemption.ChallengeId;
        int changed = connection.Execute(
            "UPDATE challenges SET consumed_at = @Now, consumed_transaction = @TransactionId WHERE id = @Id AND consumed_at IS NULL",
            new { Id = id, use.TransactionId, Now = UnixMicroseconds.From(use.Redemption.UsedEvent.Time) });
        if (changed == 1)
        {
            SqliteAudit.Append(connection, use.Redemption.UsedEvent, use.AuditMaxRecords);
            return;
        }

        string? usedBy = connection.ExecuteScalar<string?>("SELECT consumed_transaction FROM challenges WHERE id = @Id", new { Id = id });
        if (!string.Equals(usedBy, use.TransactionId, StringComparison.Ordinal))
        {
            throw new ChallengeAlreadyUsedException(id);
        }
    }
}

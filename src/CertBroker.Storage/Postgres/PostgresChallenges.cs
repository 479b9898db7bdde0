using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Rows;
using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>Statements of the <c>challenges</c> table, run inside the transaction of the write they belong to.</summary>
internal static class PostgresChallenges
{
    public const string Columns = """
        id AS Id, password_sha256::text AS PasswordSha256, profile::text AS Profile, binding_kind AS BindingKind,
        binding_value AS BindingValue, created_by AS CreatedBy, created_at AS CreatedAt, expires_at AS ExpiresAt,
        consumed_at AS ConsumedAt, consumed_transaction AS ConsumedTransaction
        """;

    /// <summary>
    /// Marks the password used by <paramref name="transactionId"/> and appends its audit event. The conditional UPDATE
    /// waits for a concurrent use on any node and then re-checks the row: exactly one transaction wins. Already used by
    /// the same transaction (a re-sent or approved request) is fine and writes nothing.
    /// </summary>
    /// <exception cref="ChallengeAlreadyUsedException">Another transaction used it first.</exception>
    public static async Task Consume(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ChallengeRedemption redemption, string transactionId, AuditOptions limits)
    {
        var id = redemption.ChallengeId;
        var changed = await connection.ExecuteAsync(
            "UPDATE challenges SET consumed_at = @Now, consumed_transaction = @TransactionId WHERE id = @Id AND consumed_at IS NULL",
            new { Id = id, TransactionId = transactionId, Now = UnixMicroseconds.From(redemption.UsedEvent.Time) }, transaction).ConfigureAwait(false);
        if (changed == 1)
        {
            await PostgresAudit.AppendAsync(connection, transaction, redemption.UsedEvent, limits).ConfigureAwait(false);
            return;
        }

        var usedBy = await connection.ExecuteScalarAsync<string?>(
            "SELECT consumed_transaction FROM challenges WHERE id = @Id", new { Id = id }, transaction).ConfigureAwait(false);
        if (!string.Equals(usedBy, transactionId, StringComparison.Ordinal))
        {
            throw new ChallengeAlreadyUsedException(id);
        }
    }
}

using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Rows;
using Dapper;

namespace CertBroker.Storage.Postgres;

/// <summary>The relay queue towards an upstream CA, on PostgreSQL.</summary>
public sealed class PostgresUpstreamRequestStore(PostgresDataSource source) : IUpstreamRequestStore
{
    private const string UpstreamColumns =
        "profile::text AS Profile, transaction_id AS TransactionId, upstream_transaction_id AS UpstreamTransactionId, state AS State, "
        + "attempts AS Attempts, next_attempt_at AS NextAttemptAt, last_error AS LastError, cipher AS Cipher, digest AS Digest, "
        + "created_at AS CreatedAt, updated_at AS UpdatedAt";

    public Task SaveUpstreamRequestAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        UpstreamRow row = UpstreamRow.From(request);
        return source.WriteAsync((connection, tx) => connection.ExecuteAsync(
            """
            INSERT INTO upstream_requests (profile, transaction_id, upstream_transaction_id, state, attempts, next_attempt_at,
                                           last_error, cipher, digest, created_at, updated_at)
            VALUES (@Profile, @TransactionId, @UpstreamTransactionId, @State, @Attempts, @NextAttemptAt,
                    @LastError, @Cipher, @Digest, @CreatedAt, @UpdatedAt)
            ON CONFLICT (profile, transaction_id) DO UPDATE SET
                upstream_transaction_id = excluded.upstream_transaction_id, state = excluded.state, attempts = excluded.attempts,
                next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error, cipher = excluded.cipher,
                digest = excluded.digest, updated_at = excluded.updated_at
            """,
            row, tx), cancellationToken);
    }

    public Task<UpstreamRequest?> FindUpstreamRequestAsync(string profile, string transactionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(transactionId);
        return source.ReadAsync(async (connection, _) => (await connection.QuerySingleOrDefaultAsync<UpstreamRow>(
            $"SELECT {UpstreamColumns} FROM upstream_requests WHERE profile = @Profile::citext AND transaction_id = @TransactionId",
            new { Profile = profile, TransactionId = transactionId }).ConfigureAwait(false))?.ToRecord(), cancellationToken);
    }

    public Task<IReadOnlyList<UpstreamRequest>> ListDueUpstreamRequestsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<UpstreamRequest>>(async (connection, _) => (await connection.QueryAsync<UpstreamRow>(
            $"SELECT {UpstreamColumns} FROM upstream_requests WHERE state < 2 AND next_attempt_at <= @Now ORDER BY next_attempt_at LIMIT @Limit",
            new { Now = UnixMicroseconds.From(now), Limit = (long)limit }).ConfigureAwait(false)).Select(r => r.ToRecord()).ToList(), cancellationToken);
}

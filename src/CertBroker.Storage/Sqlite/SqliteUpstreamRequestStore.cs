using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Rows;
using Dapper;

namespace CertBroker.Storage.Sqlite;

public sealed class SqliteUpstreamRequestStore(SqliteDataSource source) : IUpstreamRequestStore
{
    private const string UpstreamColumns =
        "profile AS Profile, transaction_id AS TransactionId, upstream_transaction_id AS UpstreamTransactionId, state AS State, "
        + "attempts AS Attempts, next_attempt_at AS NextAttemptAt, last_error AS LastError, cipher AS Cipher, digest AS Digest, "
        + "created_at AS CreatedAt, updated_at AS UpdatedAt";

    public Task SaveUpstreamRequestAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        UpstreamRow row = UpstreamRow.From(request);
        return source.WriteAsync(row, static (connection, row) => connection.Execute(
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
            row), cancellationToken);
    }

    public Task<UpstreamRequest?> FindUpstreamRequestAsync(string profile, string transactionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(transactionId);
        return source.ReadAsync((profile, transactionId), static (connection, key) => connection.QuerySingleOrDefault<UpstreamRow>(
            $"SELECT {UpstreamColumns} FROM upstream_requests WHERE profile = @Profile AND transaction_id = @TransactionId",
            new { Profile = key.profile, TransactionId = key.transactionId })?.ToRecord(), cancellationToken);
    }

    public Task<IReadOnlyList<UpstreamRequest>> ListDueUpstreamRequestsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        source.ReadAsync((Now: UnixMicroseconds.From(now), Limit: limit), static (connection, args) => (IReadOnlyList<UpstreamRequest>)connection.Query<UpstreamRow>(
            $"SELECT {UpstreamColumns} FROM upstream_requests WHERE state < 2 AND next_attempt_at <= @Now ORDER BY next_attempt_at LIMIT @Limit",
            new { args.Now, args.Limit }).Select(r => r.ToRecord()).ToList(), cancellationToken);
}

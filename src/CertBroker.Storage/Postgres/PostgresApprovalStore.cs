using CertBroker.Core.Approvals;
using CertBroker.Core.Model;
using CertBroker.Storage.Rows;
using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>The approval queue on PostgreSQL: transactions with an expiry are the ones a Manual profile queued.</summary>
public sealed class PostgresApprovalStore(PostgresDataSource source) : IApprovalStore
{
    private const long IssuedState = (long)TransactionState.Issued;
    private const long PendingState = (long)TransactionState.Pending;
    private const long FailedState = (long)TransactionState.Failed;

    public Task<EnrolmentTransaction?> FindRequestAsync(long id, CancellationToken cancellationToken) =>
        source.ReadAsync(async (connection, _) =>
        {
            var args = new DynamicParameters();
            args.Add("Id", id);
            return (await QueryTransactions(connection, "id = @Id AND expires_at IS NOT NULL", args, limit: 1, "id").ConfigureAwait(false)).FirstOrDefault();
        }, cancellationToken);

    public Task<IReadOnlyList<EnrolmentTransaction>> ListRequestsAsync(RequestQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return source.ReadAsync<IReadOnlyList<EnrolmentTransaction>>(async (connection, _) =>
        {
            var where = new List<string> { "expires_at IS NOT NULL" };
            var args = new DynamicParameters();
            switch (query.Status)
            {
                case RequestStatus.Pending:
                    where.Add($"state = {PendingState}");
                    break;
                case RequestStatus.Issued:
                    where.Add($"state = {IssuedState}");
                    break;
                case RequestStatus.Rejected:
                    where.Add($"state = {FailedState} AND decision = {(long)RequestDecision.Rejected}");
                    break;
                case RequestStatus.Expired:
                    where.Add($"state = {FailedState} AND decision = {(long)RequestDecision.Expired}");
                    break;
            }

            if (!string.IsNullOrEmpty(query.Profile))
            {
                where.Add("lower(profile) = lower(@Profile)");
                args.Add("Profile", query.Profile);
            }

            if (!string.IsNullOrEmpty(query.Text))
            {
                // strpos() rather than LIKE: the admin's text is matched literally, '%' and '_' included.
                where.Add("""
                    (strpos(lower(subject), lower(@Text)) > 0 OR strpos(lower(transaction_id), lower(@Text)) > 0
                     OR strpos(lower(COALESCE(subject_alt_names, '')), lower(@Text)) > 0
                     OR strpos(COALESCE(requester_address, ''), @Text) > 0)
                    """);
                args.Add("Text", query.Text);
            }

            return await QueryTransactions(connection, string.Join(" AND ", where), args, query.Limit, "created_at DESC, id DESC").ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<EnrolmentTransaction>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<EnrolmentTransaction>>(async (connection, _) =>
        {
            var args = new DynamicParameters();
            args.Add("Now", UnixMicroseconds.From(now));
            return await QueryTransactions(
                connection, $"expires_at IS NOT NULL AND expires_at <= @Now AND state = {PendingState}", args, limit, "expires_at, id").ConfigureAwait(false);
        }, cancellationToken);

    private static async Task<List<EnrolmentTransaction>> QueryTransactions(
        NpgsqlConnection connection, string where, DynamicParameters args, int limit, string orderBy)
    {
        args.Add("Limit", (long)Math.Clamp(limit, 1, 100_000));
        var rows = await connection.QueryAsync<TransactionRow>(
            $"SELECT {PostgresSql.TransactionColumns} FROM transactions WHERE {where} ORDER BY {orderBy} LIMIT @Limit", args).ConfigureAwait(false);
        return rows.Select(RowMapping.ToRecord).ToList();
    }
}

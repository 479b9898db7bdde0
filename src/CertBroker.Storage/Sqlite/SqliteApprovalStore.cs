using CertBroker.Core.Approvals;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Rows;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// The approval queue: transactions with an expiry are the ones a Manual profile queued. Admin look-ups are rare,
/// so their SQL is built per call rather than kept prepared.
/// </summary>
public sealed class SqliteApprovalStore(SqliteDataSource source) : IApprovalStore
{
    private const long IssuedState = (long)TransactionState.Issued;
    private const long PendingState = (long)TransactionState.Pending;
    private const long FailedState = (long)TransactionState.Failed;

    public Task<EnrolmentTransaction?> FindRequestAsync(long id, CancellationToken cancellationToken) =>
        source.ReadAsync(id, static (connection, id) =>
        {
            var args = new Dictionary<string, object> { ["@Id"] = id };
            return QueryTransactions(connection, "id = @Id AND expires_at IS NOT NULL", args, limit: 1, "id").FirstOrDefault();
        }, cancellationToken);

    public Task<IReadOnlyList<EnrolmentTransaction>> ListRequestsAsync(RequestQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return source.ReadAsync(query, static (connection, query) =>
        {
            var where = new List<string> { "expires_at IS NOT NULL" };
            var args = new Dictionary<string, object>();
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
                where.Add("profile = @Profile COLLATE NOCASE");
                args["@Profile"] = query.Profile;
            }

            if (!string.IsNullOrEmpty(query.Text))
            {
                // instr() rather than LIKE: the admin's text is matched literally, '%' and '_' included.
                where.Add("""
                    (instr(lower(subject), lower(@Text)) > 0 OR instr(lower(transaction_id), lower(@Text)) > 0
                     OR instr(lower(COALESCE(subject_alt_names, '')), lower(@Text)) > 0
                     OR instr(COALESCE(requester_address, ''), @Text) > 0)
                    """);
                args["@Text"] = query.Text;
            }

            return (IReadOnlyList<EnrolmentTransaction>)QueryTransactions(connection, string.Join(" AND ", where), args, query.Limit, "created_at DESC, id DESC");
        }, cancellationToken);
    }

    public Task<IReadOnlyList<EnrolmentTransaction>> ListExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        source.ReadAsync((Now: UnixMicroseconds.From(now), Limit: limit), static (connection, args) =>
        {
            return (IReadOnlyList<EnrolmentTransaction>)QueryTransactions(
                connection, $"expires_at IS NOT NULL AND expires_at <= @Now AND state = {PendingState}",
                new Dictionary<string, object> { ["@Now"] = args.Now }, args.Limit, "expires_at, id");
        }, cancellationToken);

    // Read with the hot path's columns and row reader, so a queued request maps exactly like FindTransactionAsync.
    private static List<EnrolmentTransaction> QueryTransactions(
        SqliteConnection connection, string where, Dictionary<string, object> args, int limit, string orderBy)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT {SqliteSql.TransactionColumns} FROM transactions WHERE {where} ORDER BY {orderBy} LIMIT @Limit";
        foreach ((string name, object value) in args)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.Parameters.AddWithValue("@Limit", (long)Math.Clamp(limit, 1, 100_000));
        using SqliteDataReader reader = command.ExecuteReader();
        return SqliteRowReader.Transaction.ReadAll(reader).ConvertAll(RowMapping.ToRecord);
    }
}

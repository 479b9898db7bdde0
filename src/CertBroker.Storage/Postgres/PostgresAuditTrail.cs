using CertBroker.Core.Audit;
using Dapper;

namespace CertBroker.Storage.Postgres;

public sealed class PostgresAuditTrail(PostgresDataSource source) : IAuditTrail
{
    public Task<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return source.WriteAsync((connection, transaction) => PostgresAudit.AppendAsync(connection, transaction, auditEvent, source.Audit), cancellationToken);
    }

    public Task<IReadOnlyList<StoredAuditEvent>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return source.ReadAsync<IReadOnlyList<StoredAuditEvent>>(async (connection, _) => await PostgresAudit.ListAsync(connection, query).ConfigureAwait(false), cancellationToken);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        source.ReadAsync((connection, _) => connection.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_events"), cancellationToken);
}

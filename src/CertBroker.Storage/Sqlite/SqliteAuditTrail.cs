using CertBroker.Core.Audit;

namespace CertBroker.Storage.Sqlite;

public sealed class SqliteAuditTrail(SqliteDataSource source) : IAuditTrail
{
    public Task<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return source.WriteAsync((auditEvent, source.AuditMaxRecords), static (connection, args) =>
            SqliteAudit.Append(connection, args.auditEvent, args.AuditMaxRecords), cancellationToken);
    }

    public Task<IReadOnlyList<StoredAuditEvent>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return source.ReadAsync(query, static (connection, query) => (IReadOnlyList<StoredAuditEvent>)SqliteAudit.List(connection, query), cancellationToken);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        source.ReadAsync(0, static (connection, _) => SqliteAudit.Count(connection), cancellationToken);
}

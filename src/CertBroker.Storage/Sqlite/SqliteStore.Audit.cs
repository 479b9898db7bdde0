using CertBroker.Core.Audit;

namespace CertBroker.Storage.Sqlite;

public sealed partial class SqliteStore : IAuditTrail
{
    public Task<long> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return WriteAsync((auditEvent, _auditMaxRecords), static (connection, args) =>
            SqliteAudit.Append(connection, args.auditEvent, args._auditMaxRecords), cancellationToken);
    }

    public Task<IReadOnlyList<StoredAuditEvent>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(query, static (connection, query) => (IReadOnlyList<StoredAuditEvent>)SqliteAudit.List(connection, query), cancellationToken);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        ReadAsync(0, static (connection, _) => SqliteAudit.Count(connection), cancellationToken);
}

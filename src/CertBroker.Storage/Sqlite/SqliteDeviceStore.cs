using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Rows;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

public sealed class SqliteDeviceStore(SqliteDataSource source) : IDeviceStore, ICertificateInventory
{
    public Task<Device?> FindByIdentityAsync(DeviceIdentity identity, CancellationToken cancellationToken) =>
        source.ReadAsync(identity, static (connection, identity) => SqliteDevices.Find(
            connection, "d.identity_kind = @Kind AND d.identity_key = @Key", new { Kind = identity.Kind.ToString(), identity.Key })?.ToRecord(),
            cancellationToken);

    public Task<Device?> FindAsync(long id, CancellationToken cancellationToken) =>
        source.ReadAsync(id, static (connection, id) => SqliteDevices.Find(connection, "d.id = @Id", new { Id = id })?.ToRecord(), cancellationToken);

    public Task<IReadOnlyList<DeviceListItem>> ListAsync(DeviceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return source.ReadAsync(query, static (connection, query) => (IReadOnlyList<DeviceListItem>)SqliteDevices.List(connection, query), cancellationToken);
    }

    public Task<IReadOnlyList<CertificateRecord>> ListCertificatesAsync(long deviceId, CancellationToken cancellationToken) =>
        ListCertificatesAsync(new CertificateQuery { DeviceId = deviceId, Now = DateTimeOffset.UnixEpoch, Limit = 10_000 }, cancellationToken);

    public Task<Device> CreateAsync(Device device, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(auditEvent);
        DeviceRow row = DeviceRow.From(device);
        return source.WriteAsync((row, device.Identity, auditEvent, source.AuditMaxRecords), static (connection, args) =>
        {
            long id = Unique(args.Identity, () => connection.ExecuteScalar<long>(SqliteDevices.Insert, args.row));
            SqliteAudit.Append(connection, args.auditEvent with { Target = Target(id) }, args.AuditMaxRecords);
            return SqliteDevices.Find(connection, "d.id = @Id", new { Id = id })!.ToRecord();
        }, cancellationToken);
    }

    public Task<Device?> UpdateAsync(Device device, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(auditEvent);
        DeviceRow row = DeviceRow.From(device);
        return source.WriteAsync((row, device.Identity, auditEvent, source.AuditMaxRecords), static (connection, args) =>
        {
            if (Unique(args.Identity, () => connection.Execute(SqliteDevices.Update, args.row)) == 0)
            {
                return null;
            }

            SqliteAudit.Append(connection, args.auditEvent with { Target = Target(args.row.Id) }, args.AuditMaxRecords);
            return SqliteDevices.Find(connection, "d.id = @Id", new { args.row.Id })?.ToRecord();
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(long id, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return source.WriteAsync((id, auditEvent, source.AuditMaxRecords), static (connection, args) =>
        {
            // Unlinked first: the foreign key refuses to delete a device certificates still point at.
            connection.Execute("UPDATE certificates SET device_id = NULL WHERE device_id = @Id", new { Id = args.id });
            if (connection.Execute("DELETE FROM devices WHERE id = @Id", new { Id = args.id }) == 0)
            {
                return false;
            }

            SqliteAudit.Append(connection, args.auditEvent with { Target = Target(args.id) }, args.AuditMaxRecords);
            return true;
        }, cancellationToken);
    }

    public Task<DeviceImportResult> ImportAsync(IReadOnlyList<Device> devices, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(auditEvent);
        DeviceRow[] rows = devices.Select(DeviceRow.From).ToArray();
        return source.WriteAsync((rows, auditEvent, source.AuditMaxRecords), static (connection, args) =>
        {
            int created = 0;
            int updated = 0;
            foreach (DeviceRow row in args.rows)
            {
                long? id = connection.ExecuteScalar<long?>(
                    "SELECT id FROM devices WHERE identity_kind = @IdentityKind AND identity_key = @IdentityKey", row);
                if (id is null)
                {
                    connection.ExecuteScalar<long>(SqliteDevices.Insert, row);
                    created++;
                }
                else
                {
                    row.Id = id.Value;
                    connection.Execute(SqliteDevices.Merge, row);
                    updated++;
                }
            }

            SqliteAudit.Append(connection, args.auditEvent with { Details = $"{created} created, {updated} updated." }, args.AuditMaxRecords);
            return new DeviceImportResult(created, updated);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CertificateRecord>> ListCertificatesAsync(CertificateQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return source.ReadAsync(query, static (connection, query) =>
            (IReadOnlyList<CertificateRecord>)SqliteDevices.ListCertificates(connection, query).ConvertAll(RowMapping.ToRecord), cancellationToken);
    }

    public async Task<CertificateRecord?> RevokeAsync(
        string serial, int reason, DateTimeOffset revokedAt, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serial);
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (reason is < 0 or > 10 or 7 or 8)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "RFC 5280 CRLReason codes are 0–10; 7 is unused and 8 is for delta CRLs only.");
        }

        var revocation = (Serial: serial, Reason: (long)reason, RevokedAt: UnixMicroseconds.From(revokedAt));
        await source.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        CertificateRow? row = await source.Writer.WriteAsync((revocation, auditEvent, source.AuditMaxRecords), static (connection, args) =>
        {
            if (connection.Revoke(args.revocation.Serial, args.revocation.Reason, args.revocation.RevokedAt) != 1)
            {
                return null;
            }

            SqliteAudit.Append(connection.Underlying, args.auditEvent, args.AuditMaxRecords);
            return connection.FindCertificateBySerial(args.revocation.Serial);
        }, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToRecord(row);
    }

    private static string Target(long deviceId) => "device:" + deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static T Unique<T>(DeviceIdentity identity, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (SqliteException ex) when (SqliteDevices.IsUniqueViolation(ex))
        {
            throw new DuplicateDeviceException(identity);
        }
    }
}

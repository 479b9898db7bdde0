using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Rows;
using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// The device inventory and the admin certificate queries on PostgreSQL. Identities are unique in the database
/// (<c>UNIQUE (identity_kind, identity_key)</c>), so nodes creating or importing the same device at once end with
/// one row; each change commits with its audit event.
/// </summary>
public sealed class PostgresDeviceStore(PostgresDataSource source) : IDeviceStore, ICertificateInventory
{
    // identity_key is CITEXT: the parameter is cast so the comparison is citext's, not text's case-sensitive one.
    private const string ByIdentity = "d.identity_kind = @Kind AND d.identity_key = @Key::citext";

    private const string ById = "d.id = @Id";

    public Task<Device?> FindByIdentityAsync(DeviceIdentity identity, CancellationToken cancellationToken) =>
        source.ReadAsync(
            async (connection, ct) => (await PostgresDevices.FindAsync(
                connection, null, ByIdentity, new { Kind = identity.Kind.ToString(), identity.Key }, ct).ConfigureAwait(false))?.ToRecord(),
            cancellationToken);

    public Task<Device?> FindAsync(long id, CancellationToken cancellationToken) =>
        source.ReadAsync(
            async (connection, ct) => (await PostgresDevices.FindAsync(connection, null, ById, new { Id = id }, ct).ConfigureAwait(false))?.ToRecord(),
            cancellationToken);

    public Task<IReadOnlyList<DeviceListItem>> ListAsync(DeviceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return source.ReadAsync<IReadOnlyList<DeviceListItem>>(
            async (connection, ct) => await PostgresDevices.ListAsync(connection, query, ct).ConfigureAwait(false), cancellationToken);
    }

    public Task<IReadOnlyList<CertificateRecord>> ListCertificatesAsync(long deviceId, CancellationToken cancellationToken) =>
        ListCertificatesAsync(new CertificateQuery { DeviceId = deviceId, Now = DateTimeOffset.UnixEpoch, Limit = 10_000 }, cancellationToken);

    public Task<Device> CreateAsync(Device device, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(auditEvent);
        var row = DeviceRow.From(device);
        return source.WriteAsync(async (connection, transaction) =>
        {
            // ON CONFLICT DO NOTHING rather than a caught error: the clash leaves the transaction usable and the
            // server log quiet, and a concurrent insert of the same identity is waited for, not raced.
            var id = await connection.ExecuteScalarAsync<long?>(PostgresDevices.Insert, row, transaction).ConfigureAwait(false)
                ?? throw new DuplicateDeviceException(device.Identity);
            await PostgresAudit.AppendAsync(connection, transaction, auditEvent with { Target = Target(id) }, source.Audit).ConfigureAwait(false);
            return (await PostgresDevices.FindAsync(connection, transaction, ById, new { Id = id }, CancellationToken.None).ConfigureAwait(false))!.ToRecord();
        }, cancellationToken);
    }

    public Task<Device?> UpdateAsync(Device device, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(auditEvent);
        var row = DeviceRow.From(device);
        return source.WriteAsync(async (connection, transaction) =>
        {
            int changed;
            try
            {
                changed = await connection.ExecuteAsync(PostgresDevices.Update, row, transaction).ConfigureAwait(false);
            }
            catch (PostgresException e) when (PostgresDataSource.IsUniqueViolation(e))
            {
                // The transaction is aborted; leaving the lambda rolls it back.
                throw new DuplicateDeviceException(device.Identity);
            }

            if (changed == 0)
            {
                return null;
            }

            await PostgresAudit.AppendAsync(connection, transaction, auditEvent with { Target = Target(row.Id) }, source.Audit).ConfigureAwait(false);
            return (await PostgresDevices.FindAsync(connection, transaction, ById, new { row.Id }, CancellationToken.None).ConfigureAwait(false))?.ToRecord();
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(long id, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return source.WriteAsync(async (connection, transaction) =>
        {
            // The row lock conflicts with the key-share lock a certificate insert takes on the device it links to,
            // so no enrolment on another node can link a certificate between the unlinking and the delete.
            var exists = await connection.ExecuteScalarAsync<long?>(
                "SELECT id FROM devices WHERE id = @Id FOR UPDATE", new { Id = id }, transaction).ConfigureAwait(false);
            if (exists is null)
            {
                return false;
            }

            // Unlinked first: the foreign key refuses to delete a device certificates still point at.
            await connection.ExecuteAsync("UPDATE certificates SET device_id = NULL WHERE device_id = @Id", new { Id = id }, transaction).ConfigureAwait(false);
            await connection.ExecuteAsync("DELETE FROM devices WHERE id = @Id", new { Id = id }, transaction).ConfigureAwait(false);
            await PostgresAudit.AppendAsync(connection, transaction, auditEvent with { Target = Target(id) }, source.Audit).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<DeviceImportResult> ImportAsync(IReadOnlyList<Device> devices, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(auditEvent);
        var rows = devices.Select(DeviceRow.From).ToArray();
        return source.WriteAsync(async (connection, transaction) =>
        {
            int created = 0;
            int updated = 0;
            foreach (var row in rows)
            {
                // One statement per device, in file order: a file naming one identity twice merges the second row
                // into the first, as on SQLite, where one multi-row INSERT … ON CONFLICT would refuse it.
                if (await connection.ExecuteScalarAsync<bool>(PostgresDevices.ImportOne, row, transaction).ConfigureAwait(false))
                {
                    created++;
                }
                else
                {
                    updated++;
                }
            }

            await PostgresAudit.AppendAsync(
                connection, transaction, auditEvent with { Details = $"{created} created, {updated} updated." }, source.Audit).ConfigureAwait(false);
            return new DeviceImportResult(created, updated);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CertificateRecord>> ListCertificatesAsync(CertificateQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return source.ReadAsync<IReadOnlyList<CertificateRecord>>(
            async (connection, ct) => (await PostgresDevices.ListCertificatesAsync(connection, query, ct).ConfigureAwait(false)).ConvertAll(RowMapping.ToRecord),
            cancellationToken);
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

        var revocation = new { Serial = serial, Reason = (long)reason, RevokedAt = UnixMicroseconds.From(revokedAt) };
        var row = await source.WriteAsync(async (connection, transaction) =>
        {
            var changed = await connection.ExecuteAsync(
                "UPDATE certificates SET revoked_at = @RevokedAt, revocation_reason = @Reason WHERE serial = @Serial::citext",
                revocation, transaction).ConfigureAwait(false);
            if (changed != 1)
            {
                return null;
            }

            await PostgresAudit.AppendAsync(connection, transaction, auditEvent, source.Audit).ConfigureAwait(false);
            return await PostgresDevices.FindCertificateBySerialAsync(connection, transaction, serial).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return row is null ? null : RowMapping.ToRecord(row);
    }

    private static string Target(long deviceId) => "device:" + deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

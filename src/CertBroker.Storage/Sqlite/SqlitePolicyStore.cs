using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Policy;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Rows;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>The weak-crypto policy's storage: re-scan batches, the <c>findings</c> table, imports, the settings hash.</summary>
public sealed class SqlitePolicyStore(SqliteDataSource source) : IPolicyStore
{
    private const string PolicyHashKey = "weak-crypto-settings";

    private const string InsertFindingSql = """
        INSERT INTO findings (certificate_id, rule_id, severity, observed, threshold, message, found_at)
        VALUES (@CertificateId, @RuleId, @Severity, @Observed, @Threshold, @Message, @FoundAt)
        ON CONFLICT (certificate_id, rule_id) DO UPDATE SET
            severity = excluded.severity, observed = excluded.observed, threshold = excluded.threshold,
            message = excluded.message, found_at = excluded.found_at
        """;

    public Task<IReadOnlyList<InventoryCertificate>> ListCertificatesAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        source.ReadAsync((afterId, limit), static (connection, page) =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT id, serial, profile, der, device_id FROM certificates WHERE id > @After ORDER BY id LIMIT @Limit";
            command.Parameters.AddWithValue("@After", page.afterId);
            command.Parameters.AddWithValue("@Limit", (long)Math.Max(page.limit, 1));
            using SqliteDataReader reader = command.ExecuteReader();
            int id = reader.GetOrdinal("id"), serial = reader.GetOrdinal("serial"), profile = reader.GetOrdinal("profile");
            int der = reader.GetOrdinal("der"), deviceId = reader.GetOrdinal("device_id");
            var certificates = new List<InventoryCertificate>();
            while (reader.Read())
            {
                certificates.Add(new InventoryCertificate(
                    reader.GetInt64(id), reader.GetString(serial), reader.GetString(profile), reader.GetFieldValue<byte[]>(der),
                    reader.IsDBNull(deviceId) ? null : reader.GetInt64(deviceId)));
            }

            return (IReadOnlyList<InventoryCertificate>)certificates;
        }, cancellationToken);

    public Task ReplaceFindingsAsync(IReadOnlyList<CertificateFindings> batch, string? keepRuleId, DateTimeOffset foundAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return source.WriteAsync((batch, keepRuleId, At: UnixMicroseconds.From(foundAt)), static (connection, args) =>
        {
            foreach (CertificateFindings certificate in args.batch)
            {
                connection.Execute(
                    "DELETE FROM findings WHERE certificate_id = @Id AND rule_id IS NOT @Keep",
                    new { Id = certificate.CertificateId, Keep = args.keepRuleId });
                InsertFindings(connection, certificate, args.At);
            }

            return true;
        }, cancellationToken);
    }

    public Task ReplaceRuleFindingsAsync(string ruleId, IReadOnlyList<CertificateFindings> findings, DateTimeOffset foundAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ruleId);
        ArgumentNullException.ThrowIfNull(findings);
        return source.WriteAsync((ruleId, findings, At: UnixMicroseconds.From(foundAt)), static (connection, args) =>
        {
            connection.Execute("DELETE FROM findings WHERE rule_id = @RuleId", new { RuleId = args.ruleId });
            foreach (CertificateFindings certificate in args.findings)
            {
                InsertFindings(connection, certificate, args.At);
            }

            return true;
        }, cancellationToken);
    }

    public Task<string?> GetPolicyHashAsync(CancellationToken cancellationToken) =>
        source.ReadAsync(0, static (connection, _) =>
            connection.ExecuteScalar<string?>("SELECT value FROM policy_state WHERE key = @Key", new { Key = PolicyHashKey }), cancellationToken);

    public Task SetPolicyHashAsync(string hash, DateTimeOffset at, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return source.WriteAsync((hash, At: UnixMicroseconds.From(at), auditEvent, source.AuditMaxRecords), static (connection, args) =>
        {
            connection.Execute(
                """
                INSERT INTO policy_state (key, value, updated_at) VALUES (@Key, @Value, @At)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """,
                new { Key = PolicyHashKey, Value = args.hash, args.At });
            if (args.auditEvent is not null)
            {
                SqliteAudit.Append(connection, args.auditEvent, args.AuditMaxRecords);
            }

            return true;
        }, cancellationToken);
    }

    public async Task<ImportOutcome> ImportAsync(CertificateRecord certificate, DeviceObservation? device, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(auditEvent);
        var write = new ImportWrite(
            RowMapping.ToRow(certificate with { Source = CertificateSource.Imported }),
            device is null ? null : DeviceObservationRow.From(device),
            certificate.Findings ?? [],
            UnixMicroseconds.From(certificate.IssuedAt),
            auditEvent,
            source.AuditMaxRecords);
        await source.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        (CertificateRow stored, bool present) = await source.Writer.WriteAsync(write, static (connection, write) =>
        {
            SqliteConnection underlying = connection.Underlying;
            string? existing = underlying.ExecuteScalar<string?>(
                "SELECT serial FROM certificates WHERE thumbprint_sha256 = @Thumbprint", new { Thumbprint = write.Certificate.ThumbprintSha256 });
            if (existing is not null)
            {
                return (connection.FindCertificateBySerial(existing)!, true);
            }

            CertificateRow row = write.Certificate;
            if (underlying.ExecuteScalar<long>("SELECT COUNT(*) FROM certificates WHERE serial = @Serial", new { row.Serial }) > 0)
            {
                // Serials are unique per issuer only; the inventory's serial column is unique across all of them.
                row.Serial = $"{row.Serial}:{row.ThumbprintSha256[..16]}";
            }

            if (write.Device is not null)
            {
                row.DeviceId = connection.UpsertDevice(write.Device);
            }

            connection.InsertCertificate(row);
            connection.SaveFindings(row.Serial, write.Findings, write.FoundAt);
            connection.AppendAuditEvent(write.AuditEvent with { Target = row.Serial }, write.AuditMaxRecords);
            return (connection.FindCertificateBySerial(row.Serial)!, false);
        }, cancellationToken).ConfigureAwait(false);
        return new ImportOutcome(RowMapping.ToRecord(stored), present);
    }

    private static void InsertFindings(SqliteConnection connection, CertificateFindings certificate, long at)
    {
        foreach (Finding finding in certificate.Findings)
        {
            connection.Execute(InsertFindingSql, new
            {
                certificate.CertificateId,
                finding.RuleId,
                Severity = (long)finding.Severity,
                finding.Observed,
                finding.Threshold,
                finding.Message,
                FoundAt = at,
            });
        }
    }

    /// <summary>What one import writes, passed to the writer without a closure.</summary>
    private sealed record ImportWrite(
        CertificateRow Certificate, DeviceObservationRow? Device, IReadOnlyList<Finding> Findings, long FoundAt, AuditEvent AuditEvent, AuditLimits AuditMaxRecords);
}

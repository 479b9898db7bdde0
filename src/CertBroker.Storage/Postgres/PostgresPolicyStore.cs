using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;
using CertBroker.Core.Policy;
using CertBroker.Storage.Rows;
using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>The weak-crypto policy's storage: re-scan batches, the <c>findings</c> table, imports, the settings hash.</summary>
public sealed class PostgresPolicyStore(PostgresDataSource source) : IPolicyStore
{
    private const string PolicyHashKey = "weak-crypto-settings";

    // A batch's findings as parallel arrays, one statement for the whole batch rather than a round trip per finding.
    private const string UpsertFindings = """
        INSERT INTO findings (certificate_id, rule_id, severity, observed, threshold, message, found_at)
        SELECT f.certificate_id, f.rule_id, f.severity, f.observed, f.threshold, f.message, @FoundAt
        FROM unnest(@CertificateIds, @RuleIds, @Severities, @Observed, @Thresholds, @Messages)
            AS f (certificate_id, rule_id, severity, observed, threshold, message)
        ON CONFLICT (certificate_id, rule_id) DO UPDATE SET
            severity = excluded.severity, observed = excluded.observed, threshold = excluded.threshold,
            message = excluded.message, found_at = excluded.found_at
        """;

    public Task<IReadOnlyList<InventoryCertificate>> ListCertificatesAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<InventoryCertificate>>(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT id, serial, profile, der, device_id FROM certificates WHERE id > @After ORDER BY id LIMIT @Limit", connection);
            command.Parameters.AddWithValue("After", afterId);
            command.Parameters.AddWithValue("Limit", (long)Math.Max(limit, 1));
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            int id = reader.GetOrdinal("id"), serial = reader.GetOrdinal("serial"), profile = reader.GetOrdinal("profile");
            int der = reader.GetOrdinal("der"), deviceId = reader.GetOrdinal("device_id");
            var certificates = new List<InventoryCertificate>();
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                certificates.Add(new InventoryCertificate(
                    reader.GetInt64(id), reader.GetString(serial), reader.GetString(profile), reader.GetFieldValue<byte[]>(der),
                    reader.IsDBNull(deviceId) ? null : reader.GetInt64(deviceId)));
            }

            return certificates;
        }, cancellationToken);

    public Task ReplaceFindingsAsync(IReadOnlyList<CertificateFindings> batch, string? keepRuleId, DateTimeOffset foundAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        long at = UnixMicroseconds.From(foundAt);

        // In id order, so two nodes re-scanning overlapping batches lock the rows in the same order.
        long[] ids = [.. batch.Select(c => c.CertificateId).Distinct().Order()];
        return source.WriteAsync(async (connection, transaction) =>
        {
            await using (var delete = new NpgsqlCommand(
                "DELETE FROM findings WHERE certificate_id = ANY(@Ids) AND rule_id IS DISTINCT FROM @Keep", connection, transaction))
            {
                delete.Parameters.AddWithValue("Ids", ids);
                delete.Parameters.Add(new NpgsqlParameter<string?>("Keep", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = keepRuleId });
                await delete.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await UpsertFindingsAsync(connection, transaction, batch, at).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task ReplaceRuleFindingsAsync(string ruleId, IReadOnlyList<CertificateFindings> findings, DateTimeOffset foundAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ruleId);
        ArgumentNullException.ThrowIfNull(findings);
        long at = UnixMicroseconds.From(foundAt);
        return source.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync("DELETE FROM findings WHERE rule_id = @RuleId", new { RuleId = ruleId }, transaction).ConfigureAwait(false);
            await UpsertFindingsAsync(connection, transaction, findings, at).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<string?> GetPolicyHashAsync(CancellationToken cancellationToken) =>
        source.ReadAsync((connection, token) => connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT value FROM policy_state WHERE key = @Key", new { Key = PolicyHashKey }, cancellationToken: token)), cancellationToken);

    public Task SetPolicyHashAsync(string hash, DateTimeOffset at, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var args = new { Key = PolicyHashKey, Value = hash, At = UnixMicroseconds.From(at) };
        return source.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO policy_state (key, value, updated_at) VALUES (@Key, @Value, @At)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """,
                args, transaction).ConfigureAwait(false);
            if (auditEvent is not null)
            {
                await PostgresAudit.AppendAsync(connection, transaction, auditEvent, source.Audit).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    public Task<ImportOutcome> ImportAsync(CertificateRecord certificate, DeviceObservation? device, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(auditEvent);
        return PostgresCertificateImport.ImportAsync(source, certificate, device, auditEvent, cancellationToken);
    }

    /// <summary>
    /// Inserts or updates <paramref name="certificates"/>' findings in one statement. A (certificate, rule) pair given
    /// twice keeps its last finding, as one statement per finding would; PostgreSQL refuses to update a row twice in
    /// one statement.
    /// </summary>
    internal static async Task UpsertFindingsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<CertificateFindings> certificates, long foundAt)
    {
        var latest = new Dictionary<(long, string), Finding>();
        foreach (CertificateFindings certificate in certificates)
        {
            foreach (Finding finding in certificate.Findings)
            {
                latest[(certificate.CertificateId, finding.RuleId)] = finding;
            }
        }

        if (latest.Count == 0)
        {
            return;
        }

        var rows = latest.OrderBy(p => p.Key.Item1).ThenBy(p => p.Key.Item2, StringComparer.Ordinal).ToList();
        await using var command = new NpgsqlCommand(UpsertFindings, connection, transaction);
        command.Parameters.AddWithValue("CertificateIds", rows.Select(r => r.Key.Item1).ToArray());
        command.Parameters.AddWithValue("RuleIds", rows.Select(r => r.Key.Item2).ToArray());
        command.Parameters.AddWithValue("Severities", rows.Select(r => (long)r.Value.Severity).ToArray());
        command.Parameters.AddWithValue("Observed", rows.Select(r => r.Value.Observed).ToArray());
        command.Parameters.Add(new NpgsqlParameter<string?[]>("Thresholds", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)
        {
            TypedValue = rows.Select(r => r.Value.Threshold).ToArray(),
        });
        command.Parameters.AddWithValue("Messages", rows.Select(r => r.Value.Message).ToArray());
        command.Parameters.AddWithValue("FoundAt", foundAt);
        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }
}

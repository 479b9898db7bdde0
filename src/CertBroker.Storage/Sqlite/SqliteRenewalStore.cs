using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Renewal;
using CertBroker.Storage.Rows;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// The renewal sweeps and expiry alerts. Each call is one write transaction: select a batch through the partial
/// indexes on open renewals (every query repeats <c>renewal_state &lt; 3</c> so SQLite can use them), change the
/// rows, and append one audit event per change with a single prepared insert and one retention trim.
/// </summary>
public sealed class SqliteRenewalStore(SqliteDataSource source) : IRenewalStore
{
    /// <summary>A certificate's columns as <see cref="ReadTransition"/> reads them, from <c>certificates</c> aliased <c>c</c>.</summary>
    internal const string TransitionColumns =
        "c.id AS certificate_id, c.serial, c.profile, c.subject, c.device_id, c.not_after, c.renewal_due_at";

    public Task<IReadOnlyList<RenewalTransition>> MarkDueAsync(
        DateTimeOffset now, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
        TransitionAsync(
            $"""
            SELECT {TransitionColumns} FROM certificates c
            WHERE renewal_state < 3 AND renewal_state = 0 AND renewal_due_at <= @Cutoff AND revoked_at IS NULL
            ORDER BY renewal_state, renewal_due_at LIMIT @Batch
            """,
            "UPDATE certificates SET renewal_state = 1 WHERE id IN (SELECT value FROM json_each(@Ids))",
            RenewalState.Due, UnixMicroseconds.From(now), batchSize, audit, cancellationToken);

    public Task<IReadOnlyList<RenewalTransition>> MarkOverdueAsync(
        DateTimeOffset dueBefore, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
        TransitionAsync(
            $"""
            SELECT {TransitionColumns} FROM certificates c
            WHERE renewal_state < 3 AND renewal_state IN (0, 1) AND renewal_due_at <= @Cutoff AND revoked_at IS NULL
            LIMIT @Batch
            """,
            "UPDATE certificates SET renewal_state = 2 WHERE id IN (SELECT value FROM json_each(@Ids))",
            RenewalState.Overdue, UnixMicroseconds.From(dueBefore), batchSize, audit, cancellationToken);

    public Task<IReadOnlyList<RenewalTransition>> MarkExpiredAsync(
        DateTimeOffset now, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
        TransitionAsync(
            $"""
            SELECT {TransitionColumns} FROM certificates c
            WHERE renewal_state < 3 AND not_after < @Cutoff
            ORDER BY not_after LIMIT @Batch
            """,
            "UPDATE certificates SET renewal_state = 3 WHERE id IN (SELECT value FROM json_each(@Ids))",
            RenewalState.Expired, UnixMicroseconds.From(now), batchSize, audit, cancellationToken);

    public Task<IReadOnlyList<RenewalTransition>> TakeExpiryAlertsAsync(
        DateTimeOffset now, int thresholdDays, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken)
    {
        // The horizon is bound as the cutoff; "now" and the threshold are literals of this one statement.
        long nowMicros = UnixMicroseconds.From(now);
        return TransitionAsync(
            $"""
            SELECT {TransitionColumns} FROM certificates c
            WHERE renewal_state < 3 AND not_after <= @Cutoff AND not_after > {nowMicros} AND revoked_at IS NULL
              AND (expiry_alert_days IS NULL OR expiry_alert_days > {thresholdDays})
            ORDER BY not_after LIMIT @Batch
            """,
            $"UPDATE certificates SET expiry_alert_days = {thresholdDays} WHERE id IN (SELECT value FROM json_each(@Ids))",
            RenewalState.Valid, UnixMicroseconds.From(now.AddDays(thresholdDays)), batchSize, audit, cancellationToken, thresholdDays);
    }

    public Task<IReadOnlyList<UnscheduledCertificate>> ListUnscheduledAsync(int batchSize, CancellationToken cancellationToken) =>
        source.ReadAsync(batchSize, static (connection, batch) =>
        {
            using SqliteCommand select = connection.CreateCommand();
            select.CommandText = """
                SELECT id, profile, not_before, not_after FROM certificates
                WHERE renewal_state < 3 AND renewal_state = 0 AND renewal_due_at IS NULL
                LIMIT @Batch
                """;
            select.Parameters.AddWithValue("@Batch", batch);
            var list = new List<UnscheduledCertificate>();
            using SqliteDataReader reader = select.ExecuteReader();
            int id = reader.GetOrdinal("id"), profile = reader.GetOrdinal("profile");
            int notBefore = reader.GetOrdinal("not_before"), notAfter = reader.GetOrdinal("not_after");
            while (reader.Read())
            {
                list.Add(new UnscheduledCertificate(
                    reader.GetInt64(id), reader.GetString(profile),
                    UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(notBefore)), UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(notAfter))));
            }

            return (IReadOnlyList<UnscheduledCertificate>)list;
        }, cancellationToken);

    public Task SetRenewalDueAsync(IReadOnlyList<(long CertificateId, DateTimeOffset DueAt)> dueTimes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dueTimes);
        return source.WriteAsync(dueTimes, static (connection, dueTimes) =>
        {
            using SqliteCommand update = connection.CreateCommand();
            update.CommandText = "UPDATE certificates SET renewal_due_at = @DueAt WHERE id = @Id AND renewal_due_at IS NULL";
            SqliteParameter id = update.Parameters.Add("@Id", SqliteType.Integer);
            SqliteParameter dueAt = update.Parameters.Add("@DueAt", SqliteType.Integer);
            update.Prepare();
            foreach ((long certificateId, DateTimeOffset due) in dueTimes)
            {
                id.Value = certificateId;
                dueAt.Value = UnixMicroseconds.From(due);
                update.ExecuteNonQuery();
            }

            return dueTimes.Count;
        }, cancellationToken);
    }

    private Task<IReadOnlyList<RenewalTransition>> TransitionAsync(
        string selectSql, string updateSql, RenewalState state, long cutoff, int batchSize,
        Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken, int? thresholdDays = null)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var batch = new TransitionBatch(selectSql, updateSql, state, cutoff, batchSize, audit, thresholdDays, source.AuditMaxRecords);
        return source.WriteAsync(batch, static (connection, batch) => batch.Run(connection), cancellationToken);
    }

    /// <summary>A certificate read by the names of <see cref="TransitionColumns"/>, ordinals from <see cref="TransitionOrdinals"/>.</summary>
    internal static RenewalTransition ReadTransition(SqliteDataReader reader, TransitionOrdinals o, RenewalState state, int? thresholdDays) => new(
        reader.GetInt64(o.Id), reader.GetString(o.Serial), reader.GetString(o.Profile), reader.GetString(o.Subject),
        reader.IsDBNull(o.DeviceId) ? null : reader.GetInt64(o.DeviceId),
        UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(o.NotAfter)),
        UnixMicroseconds.ToDateTimeOffset(reader.IsDBNull(o.RenewalDueAt) ? null : reader.GetInt64(o.RenewalDueAt)),
        state, thresholdDays);

    private sealed record TransitionBatch(
        string SelectSql, string UpdateSql, RenewalState State, long Cutoff, int BatchSize,
        Func<RenewalTransition, AuditEvent> Audit, int? ThresholdDays, AuditLimits AuditMaxRecords)
    {
        public IReadOnlyList<RenewalTransition> Run(SqliteConnection connection)
        {
            var marked = new List<RenewalTransition>();
            using (SqliteCommand select = connection.CreateCommand())
            {
                select.CommandText = SelectSql;
                select.Parameters.AddWithValue("@Cutoff", Cutoff);
                select.Parameters.AddWithValue("@Batch", BatchSize);
                using SqliteDataReader reader = select.ExecuteReader();
                TransitionOrdinals? ordinals = null;
                while (reader.Read())
                {
                    ordinals ??= new TransitionOrdinals(reader);
                    marked.Add(ReadTransition(reader, ordinals, State, ThresholdDays));
                }
            }

            if (marked.Count == 0)
            {
                return marked;
            }

            using (SqliteCommand update = connection.CreateCommand())
            {
                // One statement for the batch: the IDs as a JSON array, which costs far less than a statement per row.
                update.CommandText = UpdateSql;
                update.Parameters.AddWithValue("@Ids", "[" + string.Join(',', marked.Select(t => t.CertificateId)) + "]");
                update.ExecuteNonQuery();
            }

            SqliteAudit.AppendMany(connection, marked.Select(Audit), AuditMaxRecords);
            return marked;
        }
    }
}

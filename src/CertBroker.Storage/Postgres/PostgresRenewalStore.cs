using System.Data.Common;
using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Renewal;
using CertBroker.Storage.Rows;
using Npgsql;
using NpgsqlTypes;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// The renewal sweeps and expiry alerts on PostgreSQL. Each call is one transaction running one statement for the
/// whole batch: it picks the batch through the partial indexes on open renewals, locks it with
/// <c>FOR UPDATE SKIP LOCKED</c>, changes it and returns what it changed; the audit events follow in the same
/// transaction.
/// </summary>
/// <remarks>
/// Several nodes may sweep at once. A certificate another node's sweep has locked is skipped, not waited for, and
/// one it changed and committed no longer matches when this statement re-checks the row it locks: each
/// certificate changes state, and is audited, exactly once. A skipped certificate is picked up by the next sweep.
/// </remarks>
public sealed class PostgresRenewalStore(PostgresDataSource source) : IRenewalStore
{
    /// <summary>A certificate's columns as <see cref="ReadTransition"/> reads them, from <c>certificates</c> aliased <c>c</c>.</summary>
    internal const string TransitionColumns =
        "c.id AS certificate_id, c.serial, c.profile, c.subject, c.device_id, c.not_after, c.renewal_due_at";

    public Task<IReadOnlyList<RenewalTransition>> MarkDueAsync(
        DateTimeOffset now, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
        TransitionAsync(
            Transition(
                "renewal_state < 3 AND renewal_state = 0 AND renewal_due_at <= @Cutoff AND revoked_at IS NULL",
                "renewal_due_at",
                "renewal_state = 1"),
            new TransitionBatch(RenewalState.Due, UnixMicroseconds.From(now), batchSize, audit),
            cancellationToken);

    public Task<IReadOnlyList<RenewalTransition>> MarkOverdueAsync(
        DateTimeOffset dueBefore, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
        TransitionAsync(
            Transition(
                "renewal_state < 3 AND renewal_state IN (0, 1) AND renewal_due_at <= @Cutoff AND revoked_at IS NULL",
                "renewal_due_at",
                "renewal_state = 2"),
            new TransitionBatch(RenewalState.Overdue, UnixMicroseconds.From(dueBefore), batchSize, audit),
            cancellationToken);

    public Task<IReadOnlyList<RenewalTransition>> MarkExpiredAsync(
        DateTimeOffset now, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
        TransitionAsync(
            Transition("renewal_state < 3 AND not_after < @Cutoff", "not_after", "renewal_state = 3"),
            new TransitionBatch(RenewalState.Expired, UnixMicroseconds.From(now), batchSize, audit),
            cancellationToken);

    public Task<IReadOnlyList<RenewalTransition>> TakeExpiryAlertsAsync(
        DateTimeOffset now, int thresholdDays, int batchSize, Func<RenewalTransition, AuditEvent> audit, CancellationToken cancellationToken) =>
        TransitionAsync(
            Transition(
                """
                renewal_state < 3 AND not_after <= @Cutoff AND not_after > @Now AND revoked_at IS NULL
                AND (expiry_alert_days IS NULL OR expiry_alert_days > @Threshold)
                """,
                "not_after",
                "expiry_alert_days = @Threshold"),
            new TransitionBatch(RenewalState.Valid, UnixMicroseconds.From(now.AddDays(thresholdDays)), batchSize, audit)
            {
                Now = UnixMicroseconds.From(now),
                ThresholdDays = thresholdDays,
            },
            cancellationToken);

    public Task<IReadOnlyList<UnscheduledCertificate>> ListUnscheduledAsync(int batchSize, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<UnscheduledCertificate>>(async (connection, ct) =>
        {
            await using var select = new NpgsqlCommand(
                """
                SELECT id, profile, not_before, not_after FROM certificates
                WHERE renewal_state < 3 AND renewal_state = 0 AND renewal_due_at IS NULL
                ORDER BY id
                LIMIT @Batch
                """,
                connection);
            select.Parameters.Add(new NpgsqlParameter<long>("Batch", batchSize));
            var list = new List<UnscheduledCertificate>();
            await using var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
            int id = reader.GetOrdinal("id"), profile = reader.GetOrdinal("profile");
            int notBefore = reader.GetOrdinal("not_before"), notAfter = reader.GetOrdinal("not_after");
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(new UnscheduledCertificate(
                    reader.GetInt64(id), reader.GetString(profile),
                    UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(notBefore)), UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(notAfter))));
            }

            return list;
        }, cancellationToken);

    public Task SetRenewalDueAsync(IReadOnlyList<(long CertificateId, DateTimeOffset DueAt)> dueTimes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dueTimes);
        if (dueTimes.Count == 0)
        {
            return Task.CompletedTask;
        }

        var ids = dueTimes.Select(d => d.CertificateId).ToArray();
        var dues = dueTimes.Select(d => UnixMicroseconds.From(d.DueAt)).ToArray();
        return source.WriteAsync(async (connection, transaction) =>
        {
            // One statement for the batch. Only a certificate still without a due time changes, so two nodes planning
            // the same certificate at once keep the first plan.
            await using var update = new NpgsqlCommand(
                """
                UPDATE certificates c SET renewal_due_at = planned.due_at
                FROM unnest(@Ids, @DueTimes) AS planned(id, due_at)
                WHERE c.id = planned.id AND c.renewal_due_at IS NULL
                """,
                connection,
                transaction);
            update.Parameters.Add(new NpgsqlParameter<long[]>("Ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = ids });
            update.Parameters.Add(new NpgsqlParameter<long[]>("DueTimes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = dues });
            return await update.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>A certificate read by the names of <see cref="TransitionColumns"/>, ordinals from <see cref="TransitionOrdinals"/>.</summary>
    internal static RenewalTransition ReadTransition(DbDataReader reader, TransitionOrdinals o, RenewalState state, int? thresholdDays) => new(
        reader.GetInt64(o.Id), reader.GetString(o.Serial), reader.GetString(o.Profile), reader.GetString(o.Subject),
        reader.IsDBNull(o.DeviceId) ? null : reader.GetInt64(o.DeviceId),
        UnixMicroseconds.ToDateTimeOffset(reader.GetInt64(o.NotAfter)),
        UnixMicroseconds.ToDateTimeOffset(reader.IsDBNull(o.RenewalDueAt) ? null : reader.GetInt64(o.RenewalDueAt)),
        state, thresholdDays);

    /// <summary>
    /// One statement that picks up to @Batch certificates matching <paramref name="where"/> in the order of
    /// <paramref name="orderBy"/> (then id), skipping rows other transactions hold, applies <paramref name="set"/>
    /// to them and returns them in that order.
    /// </summary>
    private static string Transition(string where, string orderBy, string set) => $"""
        WITH picked AS (
            SELECT id FROM certificates
            WHERE {where}
            ORDER BY {orderBy}, id
            LIMIT @Batch
            FOR UPDATE SKIP LOCKED),
        changed AS (
            UPDATE certificates c SET {set}
            FROM picked WHERE c.id = picked.id
            RETURNING {TransitionColumns})
        SELECT * FROM changed ORDER BY {orderBy}, certificate_id
        """;

    private Task<IReadOnlyList<RenewalTransition>> TransitionAsync(string sql, TransitionBatch batch, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch.BatchSize, 1);
        ArgumentNullException.ThrowIfNull(batch.Audit);

        // A transaction PostgreSQL aborts (a deadlock) runs again; the event of a certificate already described is
        // reused, so the caller's callback sees each certificate once however often the batch runs.
        var events = new Dictionary<long, AuditEvent>();
        return source.WriteAsync<IReadOnlyList<RenewalTransition>>(async (connection, transaction) =>
        {
            var marked = new List<RenewalTransition>();
            await using (var command = new NpgsqlCommand(sql, connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<long>("Cutoff", batch.Cutoff));
                command.Parameters.Add(new NpgsqlParameter<long>("Batch", batch.BatchSize));
                if (batch.ThresholdDays is { } threshold)
                {
                    command.Parameters.Add(new NpgsqlParameter<long>("Now", batch.Now));
                    command.Parameters.Add(new NpgsqlParameter<long>("Threshold", threshold));
                }

                await using var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
                TransitionOrdinals? ordinals = null;
                while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    ordinals ??= new TransitionOrdinals(reader);
                    marked.Add(ReadTransition(reader, ordinals, batch.State, batch.ThresholdDays));
                }
            }

            if (marked.Count > 0)
            {
                var auditEvents = marked.Select(t => events.TryGetValue(t.CertificateId, out var e) ? e : events[t.CertificateId] = batch.Audit(t)).ToList();
                await PostgresAudit.AppendManyAsync(connection, transaction, auditEvents, source.Audit).ConfigureAwait(false);
            }

            return marked;
        }, cancellationToken);
    }

    private sealed record TransitionBatch(RenewalState State, long Cutoff, int BatchSize, Func<RenewalTransition, AuditEvent> Audit)
    {
        /// <summary>For expiry alerts: the instant the alert is taken at.</summary>
        public long Now { get; init; }

        /// <summary>For expiry alerts: the threshold recorded as sent.</summary>
        public int? ThresholdDays { get; init; }
    }
}

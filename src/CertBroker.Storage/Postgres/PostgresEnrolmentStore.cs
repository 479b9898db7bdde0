using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Rows;
using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// Enrolment transactions and the certificates they issue, on PostgreSQL, with several nodes writing at once. What
/// the SQLite store gets from its single writer, this store gets from the database: an advisory lock per SCEP
/// transaction, a row lock on the certificate a renewal replaces, conditional updates and unique constraints.
/// </summary>
public sealed class PostgresEnrolmentStore(PostgresDataSource source) : IEnrolmentStore, Core.Renewal.ITransactionCleanup
{
    private const long IssuedState = (long)TransactionState.Issued;

    public Task<EnrolmentTransaction?> FindTransactionAsync(string profile, string transactionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(transactionId);
        return source.ReadAsync(async (connection, _) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<TransactionRow>(
                $"SELECT {PostgresSql.TransactionColumns} FROM transactions WHERE profile = @Profile AND transaction_id = @TransactionId",
                new { Profile = profile, TransactionId = transactionId }).ConfigureAwait(false);
            return row is null ? null : RowMapping.ToRecord(row);
        }, cancellationToken);
    }

    public Task<IssueOutcome> SaveIssuedAsync(EnrolmentTransaction transaction, CertificateRecord certificate, CancellationToken cancellationToken) =>
        SaveIssuedAsync(transaction, certificate, null, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The certificate names another profile or transaction.</exception>
    public async Task<IssueOutcome> SaveIssuedAsync(
        EnrolmentTransaction transaction, CertificateRecord certificate, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(certificate);
        if (!string.Equals(certificate.Profile, transaction.Profile, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Certificate {certificate.Serial} is for profile '{certificate.Profile}', but transaction " +
                $"{transaction.TransactionId} is for profile '{transaction.Profile}'.", nameof(certificate));
        }

        if (certificate.TransactionId is not null
            && !string.Equals(certificate.TransactionId, transaction.TransactionId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Certificate {certificate.Serial} names transaction {certificate.TransactionId}, not {transaction.TransactionId}.",
                nameof(certificate));
        }

        var certificateRow = RowMapping.ToRow(certificate with { TransactionId = transaction.TransactionId });
        var transactionRow = RowMapping.ToRow(transaction with { State = TransactionState.Issued, CertificateSerial = certificate.Serial });
        var device = transaction.Device is { } observed ? DeviceObservationRow.From(observed) : null;
        var foundAt = UnixMicroseconds.From(certificate.IssuedAt);

        var (stored, alreadyIssued) = await source.WriteAsync(async (connection, tx) =>
        {
            // Round trip 1: the transaction's lock, its state, and the renewed certificate's row lock.
            var state = await LockAndReadStateAsync(connection, tx, transactionRow, transaction.RenewalOf).ConfigureAwait(false);
            if (state.State == IssuedState)
            {
                // An earlier or concurrent message of this transaction, on this node or another, won: hand back its certificate.
                var bound = (state.CertificateSerial is null ? null : await FindCertificate(connection, tx, state.CertificateSerial).ConfigureAwait(false))
                    ?? throw new InvalidOperationException(
                        $"Transaction {transactionRow.TransactionId} is Issued with serial {state.CertificateSerial}, but no such certificate is stored.");
                return (bound, AlreadyIssued: true);
            }

            if (transaction.RenewalOf is { } renewed && state.Renewable == false)
            {
                // The row lock makes a second renewal of the same certificate, on any node, wait for this one and then
                // see it superseded.
                throw new RenewedMeanwhileException(renewed);
            }

            if (transaction.Challenge is { } challenge)
            {
                await PostgresChallenges.Consume(connection, tx, challenge, transaction.TransactionId, source.Audit).ConfigureAwait(false);
            }

            // Round trip 2: everything the issue writes. Should the certificate clash, the statements after it have
            // written against the other certificate, and the exception below rolls all of it back.
            await using var batch = new NpgsqlBatch(connection, tx);
            batch.BatchCommands.Add(device is null
                ? Command(PostgresSql.InsertCertificate + " RETURNING device_id", certificateRow)
                : Command(InsertCertificateWithDevice, certificateRow, device));
            if (certificate.Findings is { } findings)
            {
                if (findings.Count > 0)
                {
                    batch.BatchCommands.Add(FindingsCommand(certificateRow.Serial, findings, foundAt));
                }

                batch.BatchCommands.Add(Command(PostgresSql.FlagSharedKey, new { Serial = certificateRow.Serial, FoundAt = foundAt }));
            }

            var upsert = Command(PostgresSql.UpsertTransaction, transactionRow);
            batch.BatchCommands.Add(upsert);
            if (transaction.RenewalOf is { } replaced)
            {
                batch.BatchCommands.Add(Command(PostgresSql.Supersede, new { Serial = replaced, SupersededBy = certificateRow.Serial, At = certificateRow.IssuedAt }));
            }

            if (auditEvent is not null)
            {
                PostgresAudit.AddAppend(batch, auditEvent, source.Audit);
            }

            await using (var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    throw new DuplicateSerialException(certificateRow.Serial);
                }

                certificateRow.DeviceId = reader.IsDBNull(0) ? null : reader.GetInt64(0);
                while (await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false))
                {
                }
            }

            if (upsert.RecordsAffected != 1)
            {
                // Unreachable while the advisory lock is held; never commit half.
                throw new InvalidOperationException($"Transaction {transactionRow.TransactionId} changed state while it was being issued.");
            }

            return (certificateRow, AlreadyIssued: false);
        }, cancellationToken).ConfigureAwait(false);

        var record = RowMapping.ToRecord(stored);
        return new IssueOutcome(alreadyIssued ? record : record with { Findings = certificate.Findings ?? [] }, alreadyIssued);
    }

    public Task<bool> SaveTransactionAsync(EnrolmentTransaction transaction, CancellationToken cancellationToken) =>
        SaveTransactionAsync(transaction, null, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="transaction"/> is Issued.</exception>
    public Task<bool> SaveTransactionAsync(EnrolmentTransaction transaction, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.State == TransactionState.Issued)
        {
            throw new ArgumentException(
                $"Transaction {transaction.TransactionId} is Issued; record it with {nameof(SaveIssuedAsync)} so its certificate is stored with it.",
                nameof(transaction));
        }

        var row = RowMapping.ToRow(transaction);
        return source.WriteAsync(async (connection, tx) =>
        {
            await PostgresSql.LockTransactionKey(connection, tx, row.Profile, row.TransactionId).ConfigureAwait(false);
            if (await connection.ExecuteAsync(PostgresSql.UpsertTransaction, row, tx).ConfigureAwait(false) != 1)
            {
                return false;
            }

            if (transaction is { State: TransactionState.Failed, RenewalOf: { } renewed })
            {
                await PostgresSql.RecordRenewalAttempt(connection, tx, renewed, row.UpdatedAt, transaction.RenewalResult ?? "refused").ConfigureAwait(false);
            }

            if (transaction is { State: TransactionState.Pending, Challenge: { } redemption })
            {
                await PostgresChallenges.Consume(connection, tx, redemption, transaction.TransactionId, source.Audit).ConfigureAwait(false);
            }

            if (auditEvent is not null)
            {
                await PostgresAudit.AppendAsync(connection, tx, auditEvent, source.Audit).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    public Task<int> DeleteFailedAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) =>
        source.WriteAsync((connection, tx) => connection.ExecuteAsync(
            """
            DELETE FROM transactions WHERE id IN (
                SELECT id FROM transactions WHERE state = 2 AND updated_at < @Before LIMIT @Batch FOR UPDATE SKIP LOCKED)
            """,
            new { Before = UnixMicroseconds.From(before), Batch = (long)batchSize }, tx), cancellationToken);

    internal static async Task<CertificateRow?> FindCertificate(NpgsqlConnection connection, NpgsqlTransaction? transaction, string serial) =>
        await connection.QuerySingleOrDefaultAsync<CertificateRow>(PostgresSql.FindCertificateBySerial, new { Serial = serial }, transaction).ConfigureAwait(false);

    /// <summary>The certificate insert with the device upsert ahead of it in one statement, the device's id passed on.</summary>
    private static readonly string InsertCertificateWithDevice =
        "WITH device AS (" + Prefixed(PostgresSql.UpsertDevice, "d_") + ") "
        + PostgresSql.InsertCertificate.Replace("@DeviceId", "(SELECT id FROM device)", StringComparison.Ordinal)
        + " RETURNING device_id";

    private static async Task<StateRow> LockAndReadStateAsync(NpgsqlConnection connection, NpgsqlTransaction tx, TransactionRow row, string? renewalOf)
    {
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Command(PostgresSql.LockTransactionKeySql, new { Key = PostgresSql.TransactionKey(row.Profile, row.TransactionId) }));
        batch.BatchCommands.Add(Command(
            "SELECT state, certificate_serial::text FROM transactions WHERE profile = @Profile AND transaction_id = @TransactionId",
            new { row.Profile, row.TransactionId }));
        if (renewalOf is not null)
        {
            batch.BatchCommands.Add(Command(
                "SELECT superseded_by IS NULL AND revoked_at IS NULL FROM certificates WHERE serial = @Serial::citext FOR UPDATE",
                new { Serial = renewalOf }));
        }

        var state = new StateRow { State = -1 };
        await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
        if (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            state.State = reader.GetInt64(0);
            state.CertificateSerial = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        if (renewalOf is not null && await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false)
            && await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            state.Renewable = reader.GetBoolean(0);
        }

        return state;
    }

    /// <summary>The certificate's findings in one statement, from parallel arrays.</summary>
    private static NpgsqlBatchCommand FindingsCommand(string serial, IReadOnlyList<Finding> findings, long foundAt)
    {
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO findings (certificate_id, rule_id, severity, observed, threshold, message, found_at)
            SELECT c.id, f.rule_id, f.severity, f.observed, f.threshold, f.message, @FoundAt
            FROM certificates c,
                 unnest(@RuleIds::text[], @Severities::bigint[], @Observed::text[], @Thresholds::text[], @Messages::text[])
                     AS f(rule_id, severity, observed, threshold, message)
            WHERE c.serial = @Serial::citext
            ON CONFLICT (certificate_id, rule_id) DO UPDATE SET
                severity = excluded.severity, observed = excluded.observed, threshold = excluded.threshold,
                message = excluded.message, found_at = excluded.found_at
            """);
        command.Parameters.AddWithValue("Serial", serial);
        command.Parameters.AddWithValue("FoundAt", foundAt);
        command.Parameters.AddWithValue("RuleIds", findings.Select(f => f.RuleId).ToArray());
        command.Parameters.AddWithValue("Severities", findings.Select(f => (long)f.Severity).ToArray());
        command.Parameters.AddWithValue("Observed", findings.Select(f => f.Observed).ToArray());
        command.Parameters.AddWithValue("Thresholds", findings.Select(f => f.Threshold).ToArray());
        command.Parameters.AddWithValue("Messages", findings.Select(f => f.Message).ToArray());
        return command;
    }

    /// <summary>A batch statement whose <c>@Name</c> parameters are the properties of <paramref name="values"/> (and <paramref name="prefixed"/>, as <c>@d_Name</c>).</summary>
    private static NpgsqlBatchCommand Command(string sql, object values, object? prefixed = null)
    {
        var command = new NpgsqlBatchCommand(sql);
        PostgresParameters.Add(command.Parameters, values, "");
        if (prefixed is not null)
        {
            PostgresParameters.Add(command.Parameters, prefixed, "d_");
        }

        return command;
    }

    private static string Prefixed(string sql, string prefix) =>
        System.Text.RegularExpressions.Regex.Replace(sql, "@([A-Za-z]+)", "@" + prefix + "$1");

    private sealed class StateRow
    {
        public long State { get; set; }

        public string? CertificateSerial { get; set; }

        /// <summary>Whether the certificate being renewed may still be renewed; null when there is none or it is unknown.</summary>
        public bool? Renewable { get; set; }
    }
}

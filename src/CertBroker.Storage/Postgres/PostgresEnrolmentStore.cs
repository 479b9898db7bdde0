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
            await PostgresSql.LockTransactionKey(connection, tx, transactionRow.Profile, transactionRow.TransactionId).ConfigureAwait(false);
            var state = await connection.QuerySingleOrDefaultAsync<StateRow>(
                "SELECT state AS State, certificate_serial::text AS CertificateSerial FROM transactions WHERE profile = @Profile AND transaction_id = @TransactionId",
                new { transactionRow.Profile, transactionRow.TransactionId }, tx).ConfigureAwait(false);
            if (state is { State: IssuedState })
            {
                // An earlier or concurrent message of this transaction, on this node or another, won: hand back its certificate.
                var bound = (state.CertificateSerial is null ? null : await FindCertificate(connection, tx, state.CertificateSerial).ConfigureAwait(false))
                    ?? throw new InvalidOperationException(
                        $"Transaction {transactionRow.TransactionId} is Issued with serial {state.CertificateSerial}, but no such certificate is stored.");
                return (bound, AlreadyIssued: true);
            }

            if (transaction.RenewalOf is { } renewed)
            {
                // The row lock makes a second renewal of the same certificate, on any node, wait for this one and then
                // see it superseded.
                var renewable = await connection.ExecuteScalarAsync<bool?>(
                    "SELECT superseded_by IS NULL AND revoked_at IS NULL FROM certificates WHERE serial = @Serial::citext FOR UPDATE",
                    new { Serial = renewed }, tx).ConfigureAwait(false);
                if (renewable == false)
                {
                    throw new RenewedMeanwhileException(renewed);
                }
            }

            if (device is not null)
            {
                certificateRow.DeviceId = await connection.ExecuteScalarAsync<long>(PostgresSql.UpsertDevice, device, tx).ConfigureAwait(false);
            }

            if (transaction.Challenge is { } challenge)
            {
                await PostgresChallenges.Consume(connection, tx, challenge, transaction.TransactionId, source.Audit).ConfigureAwait(false);
            }

            if (await connection.ExecuteAsync(PostgresSql.InsertCertificate, certificateRow, tx).ConfigureAwait(false) != 1)
            {
                throw new DuplicateSerialException(certificateRow.Serial);
            }

            if (certificate.Findings is { } findings)
            {
                await PostgresSql.SaveFindings(connection, tx, certificateRow.Serial, findings, foundAt).ConfigureAwait(false);
            }

            if (await connection.ExecuteAsync(PostgresSql.UpsertTransaction, transactionRow, tx).ConfigureAwait(false) != 1)
            {
                // Unreachable while the advisory lock is held; never commit half.
                throw new InvalidOperationException($"Transaction {transactionRow.TransactionId} changed state while it was being issued.");
            }

            if (transaction.RenewalOf is { } replaced)
            {
                await connection.ExecuteAsync(PostgresSql.Supersede, new { Serial = replaced, SupersededBy = certificateRow.Serial, At = certificateRow.IssuedAt }, tx).ConfigureAwait(false);
            }

            if (auditEvent is not null)
            {
                await PostgresAudit.AppendAsync(connection, tx, auditEvent, source.Audit).ConfigureAwait(false);
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

    private sealed class StateRow
    {
        public long State { get; set; }

        public string? CertificateSerial { get; set; }
    }
}

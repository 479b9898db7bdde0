using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Migrations;
using CertBroker.Storage.Rows;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Enrolment transactions and the certificates they issue: the PKCSReq hot path. Every statement it runs is kept
/// prepared on the writer's and the readers' connections.
/// </summary>
public sealed class SqliteEnrolmentStore(SqliteDataSource source) : IEnrolmentStore, Core.Renewal.ITransactionCleanup
{    public Task<int> DeleteFailedAsync(DateTimeOffset before, int batchSize, CancellationToken cancellationToken) =>
        source.WriteAsync((Before: UnixMicroseconds.From(before), Batch: batchSize), static (connection, args) =>
        {
            using SqliteCommand delete = connection.CreateCommand();
            delete.CommandText = """
                DELETE FROM transactions WHERE id IN (
                    SELECT id FROM transactions WHERE state = 2 AND updated_at < @Before LIMIT @Batch)
                """;
            delete.Parameters.AddWithValue("@Before", args.Before);
            delete.Parameters.AddWithValue("@Batch", args.Batch);
            return delete.ExecuteNonQuery();
        }, cancellationToken);


    private const long IssuedState = (long)TransactionState.Issued;

    public async Task<EnrolmentTransaction?> FindTransactionAsync(
        string profile, string transactionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(transactionId);
        await source.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var row = source.Readers.Read((profile, transactionId), static (connection, key) => connection.FindTransaction(key.profile, key.transactionId));
        return row is null ? null : RowMapping.ToRecord(row);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The stored transaction is <paramref name="transaction"/> with State Issued and CertificateSerial set to the
    /// certificate's serial; the stored certificate takes the transaction's ID when it has none. A clash on the
    /// certificate's SHA-256 thumbprint is reported as a duplicate serial too: the same DER means the same serial.
    /// </remarks>
    /// <exception cref="ArgumentException">The certificate names another profile or transaction.</exception>
    public Task<IssueOutcome> SaveIssuedAsync(
        EnrolmentTransaction transaction, CertificateRecord certificate, CancellationToken cancellationToken) =>
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

        var issued = new IssueWrite(
            RowMapping.ToRow(certificate with { TransactionId = transaction.TransactionId }),
            RowMapping.ToRow(transaction with
            {
                State = TransactionState.Issued,
                CertificateSerial = certificate.Serial,
            }),
            transaction.Device is { } device ? DeviceObservationRow.From(device) : null,
            transaction.Challenge is { } challenge ? new ChallengeUse(challenge, transaction.TransactionId, source.AuditMaxRecords) : null,
            auditEvent,
            source.AuditMaxRecords,
            transaction.RenewalOf,
            certificate.Findings,
            UnixMicroseconds.From(certificate.IssuedAt));

        await source.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var (stored, alreadyIssued) = await source.Writer.WriteAsync(issued, static (connection, write) =>
        {
            if (connection.FindTransactionState(write.Transaction) is { State: IssuedState, CertificateSerial: var boundSerial })
            {
                // An earlier or concurrent message of this transaction won; hand back what it got, write nothing.
                var bound = (boundSerial is null ? null : connection.FindCertificateBySerial(boundSerial))
                    ?? throw new InvalidOperationException(
                        $"Transaction {write.Transaction.TransactionId} is Issued with serial {boundSerial}, " +
                        "but no such certificate is stored.");
                return (bound, AlreadyIssued: true);
            }

            if (write.RenewalOf is not null && !connection.IsRenewable(write.RenewalOf))
            {
                // Checked under the write lock: two renewals from one certificate, or one from a certificate revoked
                // since it was authorised, must not both be issued.
                throw new RenewedMeanwhileException(write.RenewalOf);
            }

            if (write.Device is not null)
            {
                write.Certificate.DeviceId = connection.UpsertDevice(write.Device);
            }

            if (write.Challenge is not null)
            {
                SqliteChallenges.Consume(connection.Underlying, write.Challenge);
            }

            if (!connection.InsertCertificate(write.Certificate))
            {
                throw new DuplicateSerialException(write.Certificate.Serial);
            }

            if (write.Findings is not null)
            {
                connection.SaveFindings(write.Certificate.Serial, write.Findings, write.FoundAt);
            }

            if (connection.UpsertTransaction(write.Transaction) != 1)
            {
                // Unreachable while BEGIN IMMEDIATE holds the write lock since the state was read; never commit half.
                throw new InvalidOperationException(
                    $"Transaction {write.Transaction.TransactionId} changed state while it was being issued.");
            }

            if (write.RenewalOf is not null)
            {
                connection.Supersede(write.RenewalOf, write.Certificate.Serial, write.Certificate.IssuedAt);
            }

            if (write.AuditEvent is not null)
            {
                connection.AppendAuditEvent(write.AuditEvent, write.AuditMaxRecords);
            }

            return (write.Certificate, AlreadyIssued: false);
        }, cancellationToken).ConfigureAwait(false);

        // Mapped back from the row so the caller sees exactly what a later look-up returns (UTC, microseconds).
        CertificateRecord record = RowMapping.ToRecord(stored);
        return new IssueOutcome(alreadyIssued ? record : record with { Findings = certificate.Findings ?? [] }, alreadyIssued);
    }

    /// <inheritdoc />
    /// <remarks>Every field is replaced except CreatedAt, which keeps the value from the first save.</remarks>
    /// <exception cref="ArgumentException"><paramref name="transaction"/> is Issued; use <see cref="SaveIssuedAsync"/>.</exception>
    public Task<bool> SaveTransactionAsync(EnrolmentTransaction transaction, CancellationToken cancellationToken) =>
        SaveTransactionAsync(transaction, null, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Every field is replaced except CreatedAt, which keeps the value from the first save.</remarks>
    /// <exception cref="ArgumentException"><paramref name="transaction"/> is Issued; use <see cref="SaveIssuedAsync(EnrolmentTransaction, CertificateRecord, AuditEvent?, CancellationToken)"/>.</exception>
    public async Task<bool> SaveTransactionAsync(EnrolmentTransaction transaction, AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.State == TransactionState.Issued)
        {
            throw new ArgumentException(
                $"Transaction {transaction.TransactionId} is Issued; record it with {nameof(SaveIssuedAsync)} so its certificate is stored with it.",
                nameof(transaction));
        }

        var row = RowMapping.ToRow(transaction);
        var challenge = transaction is { State: TransactionState.Pending, Challenge: { } redemption }
            ? new ChallengeUse(redemption, transaction.TransactionId, source.AuditMaxRecords)
            : null;
        var renewalAttempt = transaction is { State: TransactionState.Failed, RenewalOf: { } renewed }
            ? (Serial: renewed, Result: transaction.RenewalResult ?? "refused", At: row.UpdatedAt)
            : ((string Serial, string Result, long At)?)null;
        await source.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await source.Writer.WriteAsync((row, challenge, auditEvent, source.AuditMaxRecords, renewalAttempt), static (connection, write) =>
        {
            if (connection.UpsertTransaction(write.row) != 1)
            {
                return false;
            }

            if (write.renewalAttempt is { } attempt)
            {
                SqliteRenewalAttempts.Record(connection.Underlying, attempt.Serial, attempt.At, attempt.Result);
            }

            if (write.challenge is not null)
            {
                SqliteChallenges.Consume(connection.Underlying, write.challenge);
            }

            if (write.auditEvent is not null)
            {
                connection.AppendAuditEvent(write.auditEvent, write.AuditMaxRecords);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What one SaveIssuedAsync call writes (and its audit event, if any), passed to the writer without a closure.</summary>
    private sealed record IssueWrite(
        CertificateRow Certificate,
        TransactionRow Transaction,
        DeviceObservationRow? Device,
        ChallengeUse? Challenge,
        AuditEvent? AuditEvent,
        AuditLimits AuditMaxRecords,
        string? RenewalOf,
        IReadOnlyList<Core.Model.Finding>? Findings,
        long FoundAt);
}

using CertBroker.Core.Audit;
using CertBroker.Core.Storage;
using CertBroker.Storage.Migrations;
using CertBroker.Storage.Rows;
using Microsoft.Extensions.Logging;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// Enrolment transactions and issued certificates in one SQLite file. Register as a singleton: it owns the
/// connection all writes go through, and commits writes queued together in one transaction (see
/// <see cref="SqliteWriter"/>). Reads use a few connections of their own and never wait for writes (write-ahead
/// log). Every statement stays prepared on its connection. Run <see cref="SqliteMigrator"/> first; the store checks
/// the schema version once and refuses a mismatch.
/// </summary>
public sealed partial class SqliteStore : IEnrolmentStore, ICertificateStore, IDisposable
{
    private const long IssuedState = (long)TransactionState.Issued;

    private readonly SqliteDatabase _database;
    private readonly SqliteWriter _writer;
    private readonly SqliteReaderPool _readers;
    private readonly SemaphoreSlim _readyGate = new(1, 1);
    private readonly int _auditMaxRecords;
    private volatile bool _ready;

    public SqliteStore(SqliteStoreOptions options, ILogger<SqliteStore> logger, AuditOptions? audit = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _auditMaxRecords = (audit ?? new AuditOptions()).MaxRecords;
        _database = new SqliteDatabase(options, logger);
        _writer = new SqliteWriter(_database, logger);
        _readers = new SqliteReaderPool(_database);
    }

    /// <summary>The writer, for tests that hold it busy so that writes queue up behind it.</summary>
    internal SqliteWriter Writer => _writer;

    public async Task<EnrolmentTransaction?> FindTransactionAsync(
        string profile, string transactionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(transactionId);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var row = _readers.Read((profile, transactionId), static (connection, key) => connection.FindTransaction(key.profile, key.transactionId));
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
            transaction.Challenge is { } challenge ? new ChallengeUse(challenge, transaction.TransactionId, _auditMaxRecords) : null,
            auditEvent,
            _auditMaxRecords,
            transaction.RenewalOf,
            certificate.Findings,
            UnixMicroseconds.From(certificate.IssuedAt));

        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var (stored, alreadyIssued) = await _writer.WriteAsync(issued, static (connection, write) =>
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
            ? new ChallengeUse(redemption, transaction.TransactionId, _auditMaxRecords)
            : null;
        var renewalAttempt = transaction is { State: TransactionState.Failed, RenewalOf: { } renewed }
            ? (Serial: renewed, Result: transaction.RenewalResult ?? "refused", At: row.UpdatedAt)
            : ((string Serial, string Result, long At)?)null;
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _writer.WriteAsync((row, challenge, auditEvent, _auditMaxRecords, renewalAttempt), static (connection, write) =>
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
                connection.AppendAuditEvent(write.auditEvent, write._auditMaxRecords);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CertificateRecord?> FindBySerialAsync(string serial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serial);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var row = _readers.Read(serial, static (connection, serial) => connection.FindCertificateBySerial(serial));
        return row is null ? null : RowMapping.ToRecord(row);
    }

    public async Task<CertificateRecord?> FindByThumbprintAsync(string thumbprintSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(thumbprintSha256);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var row = _readers.Read(thumbprintSha256, static (connection, thumbprint) => connection.FindCertificateByThumbprint(thumbprint));
        return row is null ? null : RowMapping.ToRecord(row);
    }

    /// <inheritdoc />
    /// <remarks>Includes certificates whose notAfter equals <paramref name="notExpiredAt"/>; ordered by revocation time.</remarks>
    public async Task<IReadOnlyList<CertificateRecord>> ListRevokedAsync(
        DateTimeOffset notExpiredAt, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var rows = _readers.Read(UnixMicroseconds.From(notExpiredAt), static (connection, notExpiredAt) => connection.ListRevoked(notExpiredAt));
        return rows.ConvertAll(RowMapping.ToRecord);
    }

    /// <inheritdoc />
    /// <remarks>Revoking again replaces the date and reason, so an operator can correct a mistaken entry.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not an RFC 5280 CRLReason (0–10, not 7).</exception>
    public async Task<bool> RevokeAsync(string serial, int reason, DateTimeOffset revokedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serial);
        if (reason is < 0 or > 10 or 7)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "RFC 5280 CRLReason codes are 0–10; 7 is unused.");
        }

        var revocation = (Serial: serial, Reason: (long)reason, RevokedAt: UnixMicroseconds.From(revokedAt));
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _writer.WriteAsync(revocation, static (connection, revocation) =>
            connection.Revoke(revocation.Serial, revocation.Reason, revocation.RevokedAt) == 1,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Lets a batch of writes in progress commit, fails writes still queued with <see cref="ObjectDisposedException"/>,
    /// then closes the writer and the idle read connections.
    /// </summary>
    public void Dispose()
    {
        _writer.Dispose();
        _readers.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a pooled read connection, for statements of the admin and report look-ups
    /// that are not worth keeping prepared (Dapper on the connection is fine).
    /// </summary>
    private async Task<TResult> ReadAsync<TState, TResult>(
        TState state, Func<Microsoft.Data.Sqlite.SqliteConnection, TState, TResult> read, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return _readers.Read((state, read), static (connection, args) => args.read(connection.Underlying, args.state));
    }

    /// <summary>
    /// Runs <paramref name="write"/> inside the writer's transaction (its own savepoint: an exception undoes
    /// exactly its changes). Audited changes append their <see cref="AuditEvent"/> in the same call with
    /// <see cref="SqliteAudit.Append"/>, so the change and its record commit together or not at all.
    /// </summary>
    private async Task<TResult> WriteAsync<TState, TResult>(
        TState state, Func<Microsoft.Data.Sqlite.SqliteConnection, TState, TResult> write, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _writer.WriteAsync((state, write), static (connection, args) => args.write(connection.Underlying, args.state), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Prepares the file and checks the schema once per store, not per call.</summary>
    private async ValueTask EnsureReadyAsync(CancellationToken cancellationToken)
    {
        // A read runs synchronously once started, so this is where its cancellation is honoured.
        cancellationToken.ThrowIfCancellationRequested();
        if (_ready)
        {
            return;
        }

        await _readyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }

            _database.EnsureFileExists();
            var version = _readers.Read(0, static (connection, _) => connection.ReadSchemaVersion());
            var expected = SqliteMigrator.LatestVersion;
            if (version > expected)
            {
                throw new SchemaTooNewException(version, expected);
            }

            if (version < expected)
            {
                throw new InvalidOperationException(
                    $"The database {_database.FilePath} is at schema version {version}, but this build needs version " +
                    $"{expected}. Run {nameof(SqliteMigrator)}.{nameof(SqliteMigrator.MigrateAsync)} at start-up before using the store.");
            }

            _ready = true;
        }
        finally
        {
            _readyGate.Release();
        }
    }

    /// <summary>What one SaveIssuedAsync call writes (and its audit event, if any), passed to the writer without a closure.</summary>
    private sealed record IssueWrite(
        CertificateRow Certificate,
        TransactionRow Transaction,
        DeviceObservationRow? Device,
        ChallengeUse? Challenge,
        AuditEvent? AuditEvent,
        int AuditMaxRecords,
        string? RenewalOf,
        IReadOnlyList<Core.Policy.Finding>? Findings,
        long FoundAt);
}

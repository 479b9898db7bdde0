using CertBroker.Core.Model;
using CertBroker.Core.Audit;
using CertBroker.Storage.Rows;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

/// <summary>
/// The writer's connection and every statement it runs, prepared once for the connection's life. Transactions are
/// begun and ended with plain statements rather than <see cref="SqliteTransaction"/>, so the same prepared
/// commands serve every transaction and the savepoints inside it. Used only by <see cref="SqliteWriter"/>'s drainer.
/// </summary>
internal sealed class SqliteWriteConnection : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _savepoint;
    private readonly SqliteCommand _releaseSavepoint;
    private readonly SqliteCommand _rollbackToSavepoint;
    private readonly PreparedCommand<TransactionRow> _findTransactionState;
    private readonly PreparedCommand<string> _findCertificateBySerial;
    private readonly PreparedCommand<CertificateRow> _insertCertificate;
    private readonly PreparedCommand<TransactionRow> _upsertTransaction;
    private readonly PreparedCommand<(string Serial, long Reason, long RevokedAt)> _revoke;
    private readonly PreparedCommand<DeviceObservationRow> _upsertDevice;
    private readonly PreparedCommand<(AuditEvent Event, AuditLimits Limits)> _appendAuditEvent;
    private readonly PreparedCommand<(string Serial, string SupersededBy, long At)> _supersede;
    private readonly PreparedCommand<(string Serial, Finding Finding, long FoundAt)> _upsertFinding;
    private readonly PreparedCommand<(string Serial, long FoundAt)> _flagSharedKey;

    public SqliteWriteConnection(SqliteConnection connection)
    {
        _connection = connection;
        _begin = Command(SqliteSql.BeginImmediate);
        _commit = Command(SqliteSql.Commit);
        _savepoint = Command(SqliteSql.Savepoint);
        _releaseSavepoint = Command(SqliteSql.ReleaseSavepoint);
        _rollbackToSavepoint = Command(SqliteSql.RollbackToSavepoint);
        _findTransactionState = SqliteSql.FindTransactionState.PrepareOn(connection);
        _findCertificateBySerial = SqliteSql.FindCertificateBySerial.PrepareOn(connection);
        _insertCertificate = SqliteSql.InsertCertificate.PrepareOn(connection);
        _upsertTransaction = SqliteSql.UpsertTransaction.PrepareOn(connection);
        _revoke = SqliteSql.Revoke.PrepareOn(connection);
        _upsertDevice = SqliteSql.UpsertDevice.PrepareOn(connection);
        _appendAuditEvent = SqliteSql.AppendAuditEvent.PrepareOn(connection);
        _supersede = SqliteSql.Supersede.PrepareOn(connection);
        _upsertFinding = SqliteSql.UpsertFinding.PrepareOn(connection);
        _flagSharedKey = SqliteSql.FlagSharedKey.PrepareOn(connection);
    }

    /// <summary>For statements run too rarely to keep prepared; everything on the hot path is above.</summary>
    public SqliteConnection Underlying => _connection;

    public void Begin() => _begin.ExecuteNonQuery();

    public void Commit() => _commit.ExecuteNonQuery();

    public void Savepoint() => _savepoint.ExecuteNonQuery();

    public void ReleaseSavepoint() => _releaseSavepoint.ExecuteNonQuery();

    /// <summary>
    /// Undoes everything since <see cref="Savepoint"/> and leaves the transaction open for the next write.
    /// Returns false when that is impossible: SQLite already rolled the whole transaction back (it does so on
    /// I/O errors, a full disk or lack of memory), or the rollback itself failed.
    /// </summary>
    public bool TryRollbackToSavepoint()
    {
        if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) != 0)
        {
            return false;
        }

        try
        {
            _rollbackToSavepoint.ExecuteNonQuery();
            _releaseSavepoint.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    public (long State, string? CertificateSerial)? FindTransactionState(TransactionRow transaction) =>
        _findTransactionState.TryQuerySingle(transaction, SqliteRowReader.TransactionState, out var state) ? state : null;

    public CertificateRow? FindCertificateBySerial(string serial) =>
        _findCertificateBySerial.TryQuerySingle(serial, SqliteRowReader.Certificate, out var row) ? row : null;

    /// <returns>False when the serial or thumbprint is taken; nothing was written then.</returns>
    public bool InsertCertificate(CertificateRow certificate) => _insertCertificate.ExecuteNonQuery(certificate) == 1;

    /// <returns>The rows changed: 0 when the transaction is already Issued.</returns>
    public int UpsertTransaction(TransactionRow transaction) => _upsertTransaction.ExecuteNonQuery(transaction);

    /// <returns>The rows changed: 0 when no certificate has the serial.</returns>
    public int Revoke(string serial, long reason, long revokedAt) => _revoke.ExecuteNonQuery((serial, reason, revokedAt));

    /// <returns>The rows changed: 0 when the renewed certificate is unknown or already superseded or expired.</returns>
    /// <summary>Whether the certificate <paramref name="serial"/> may still be renewed: neither superseded nor revoked.
    /// A serial the store does not hold (an upstream's, or one deleted) does not stop the renewal.</summary>
    public bool IsRenewable(string serial)
    {
        using SqliteCommand command = _connection.CreateCommand();
        command.CommandText = "SELECT superseded_by IS NULL AND revoked_at IS NULL FROM certificates WHERE serial = @Serial";
        command.Parameters.AddWithValue("@Serial", serial);
        return command.ExecuteScalar() is not long renewable || renewable == 1;
    }

    public int Supersede(string serial, string supersededBy, long at) => _supersede.ExecuteNonQuery((serial, supersededBy, at));

    /// <returns>The ID of the device created or updated.</returns>
    public long UpsertDevice(DeviceObservationRow device) =>
        _upsertDevice.TryQuerySingle(device, SqliteRowReader.Id, out long id)
            ? id
            : throw new InvalidOperationException($"The device upsert for {device.IdentityKind}:{device.IdentityKey} returned no ID.");

    /// <summary>
    /// Appends an enrolment decision's audit event inside the current write, trimming the trail to
    /// <paramref name="limits"/> as <see cref="SqliteAudit.Append"/> does, with one prepared command.
    /// </summary>
    public void AppendAuditEvent(AuditEvent auditEvent, AuditLimits limits) => _appendAuditEvent.ExecuteNonQuery((auditEvent, limits));

    /// <summary>
    /// Stores the weak-crypto findings of the certificate just inserted, and WC-KEY-04 when its key is already in
    /// another device's certificate: prepared statements in the same write, no extra round trip.
    /// </summary>
    public void SaveFindings(string serial, IReadOnlyList<Finding> findings, long foundAt)
    {
        foreach (Finding finding in findings)
        {
            _upsertFinding.ExecuteNonQuery((serial, finding, foundAt));
        }

        _flagSharedKey.ExecuteNonQuery((serial, foundAt));
    }

    /// <summary>Closing the connection rolls back a transaction left open.</summary>
    public void Dispose()
    {
        _begin.Dispose();
        _commit.Dispose();
        _savepoint.Dispose();
        _releaseSavepoint.Dispose();
        _rollbackToSavepoint.Dispose();
        _findTransactionState.Dispose();
        _findCertificateBySerial.Dispose();
        _insertCertificate.Dispose();
        _upsertTransaction.Dispose();
        _revoke.Dispose();
        _upsertDevice.Dispose();
        _appendAuditEvent.Dispose();
        _supersede.Dispose();
        _upsertFinding.Dispose();
        _flagSharedKey.Dispose();
        _connection.Dispose();
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}

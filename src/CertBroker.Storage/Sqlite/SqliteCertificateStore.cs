using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Migrations;
using CertBroker.Storage.Rows;
using Microsoft.Extensions.Logging;

namespace CertBroker.Storage.Sqlite;

/// <summary>Issued certificates by serial or thumbprint, and their revocation (the CRL's source).</summary>
public sealed class SqliteCertificateStore(SqliteDataSource source) : ICertificateStore
{
    public async Task<CertificateRecord?> FindBySerialAsync(string serial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serial);
        await source.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var row = source.Readers.Read(serial, static (connection, serial) => connection.FindCertificateBySerial(serial));
        return row is null ? null : RowMapping.ToRecord(row);
    }

    public async Task<CertificateRecord?> FindByThumbprintAsync(string thumbprintSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(thumbprintSha256);
        await source.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var row = source.Readers.Read(thumbprintSha256, static (connection, thumbprint) => connection.FindCertificateByThumbprint(thumbprint));
        return row is null ? null : RowMapping.ToRecord(row);
    }

    /// <inheritdoc />
    /// <remarks>Includes certificates whose notAfter equals <paramref name="notExpiredAt"/>; ordered by revocation time.</remarks>
    public async Task<IReadOnlyList<CertificateRecord>> ListRevokedAsync(
        DateTimeOffset notExpiredAt, CancellationToken cancellationToken)
    {
        await source.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var rows = source.Readers.Read(UnixMicroseconds.From(notExpiredAt), static (connection, notExpiredAt) => connection.ListRevoked(notExpiredAt));
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
        await source.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await source.Writer.WriteAsync(revocation, static (connection, revocation) =>
            connection.Revoke(revocation.Serial, revocation.Reason, revocation.RevokedAt) == 1,
            cancellationToken).ConfigureAwait(false);
    }
}

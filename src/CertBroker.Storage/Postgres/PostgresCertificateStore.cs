using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Rows;
using Dapper;

namespace CertBroker.Storage.Postgres;

/// <summary>Issued certificates by serial or thumbprint, and their revocation (the CRL's source), on PostgreSQL.</summary>
public sealed class PostgresCertificateStore(PostgresDataSource source) : ICertificateStore
{
    public Task<CertificateRecord?> FindBySerialAsync(string serial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serial);
        return source.ReadAsync(async (connection, _) =>
        {
            var row = await PostgresEnrolmentStore.FindCertificate(connection, null, serial).ConfigureAwait(false);
            return row is null ? null : RowMapping.ToRecord(row);
        }, cancellationToken);
    }

    public Task<CertificateRecord?> FindByThumbprintAsync(string thumbprintSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(thumbprintSha256);
        return source.ReadAsync(async (connection, _) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<CertificateRow>(
                $"SELECT {PostgresSql.CertificateColumns} FROM certificates WHERE thumbprint_sha256 = @Thumbprint::citext",
                new { Thumbprint = thumbprintSha256 }).ConfigureAwait(false);
            return row is null ? null : RowMapping.ToRecord(row);
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Includes certificates whose notAfter equals <paramref name="notExpiredAt"/>; ordered by revocation time.</remarks>
    public Task<IReadOnlyList<CertificateRecord>> ListRevokedAsync(DateTimeOffset notExpiredAt, CancellationToken cancellationToken) =>
        source.ReadAsync<IReadOnlyList<CertificateRecord>>(async (connection, _) =>
        {
            var rows = await connection.QueryAsync<CertificateRow>(
                $"""
                SELECT {PostgresSql.CertificateColumns} FROM certificates
                WHERE revoked_at IS NOT NULL AND not_after >= @NotExpiredAt
                ORDER BY revoked_at, serial
                """,
                new { NotExpiredAt = UnixMicroseconds.From(notExpiredAt) }).ConfigureAwait(false);
            return rows.Select(RowMapping.ToRecord).ToList();
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Revoking again replaces the date and reason, so an operator can correct a mistaken entry.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not an RFC 5280 CRLReason (0–10, not 7).</exception>
    public Task<bool> RevokeAsync(string serial, int reason, DateTimeOffset revokedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serial);
        if (reason is < 0 or > 10 or 7)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "RFC 5280 CRLReason codes are 0–10; 7 is unused.");
        }

        return source.WriteAsync(async (connection, tx) => await connection.ExecuteAsync(
            "UPDATE certificates SET revoked_at = @RevokedAt, revocation_reason = @Reason WHERE serial = @Serial::citext",
            new { Serial = serial, Reason = (long)reason, RevokedAt = UnixMicroseconds.From(revokedAt) }, tx).ConfigureAwait(false) == 1,
            cancellationToken);
    }
}

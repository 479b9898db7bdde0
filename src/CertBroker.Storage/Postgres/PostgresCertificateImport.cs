using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;
using CertBroker.Core.Policy;
using CertBroker.Storage.Rows;
using Dapper;
using Npgsql;

namespace CertBroker.Storage.Postgres;

/// <summary>
/// One certificate import (<see cref="IPolicyStore.ImportAsync"/>): the certificate, its device, its findings and its
/// audit event in one transaction, idempotent by thumbprint even when two nodes import the same file at once.
/// </summary>
internal static class PostgresCertificateImport
{
    // A race lost to another node (same thumbprint, or the same serial) is decided on the next attempt, which sees
    // the winner's row; a third loss in a row is not a race.
    private const int MaxAttempts = 3;

    // Nothing is inserted when the serial or the thumbprint is taken, by this node or a concurrent one.
    private const string InsertCertificate = PostgresSql.InsertCertificate + " RETURNING id";

    public static async Task<ImportOutcome> ImportAsync(
        PostgresDataSource source, CertificateRecord certificate, DeviceObservation? device, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        CertificateRow template = RowMapping.ToRow(certificate with { Source = CertificateSource.Imported });
        DeviceObservationRow? deviceRow = device is null ? null : DeviceObservationRow.From(device);
        IReadOnlyList<Finding> findings = certificate.Findings ?? [];
        long foundAt = UnixMicroseconds.From(certificate.IssuedAt);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                (CertificateRow row, bool present) = await source.WriteAsync(
                    (connection, transaction) => TryImportAsync(connection, transaction, template, deviceRow, findings, foundAt, auditEvent, source.Audit),
                    cancellationToken).ConfigureAwait(false);
                return new ImportOutcome(RowMapping.ToRecord(row), present);
            }
            catch (RaceLostException) when (attempt < MaxAttempts)
            {
                // Rolled back, the device upsert with it; the next attempt sees the other node's row.
            }
            catch (RaceLostException)
            {
                throw new InvalidOperationException(
                    $"Importing certificate {certificate.Serial} clashed with other writes {MaxAttempts} times in a row.");
            }
        }
    }

    /// <returns>The stored certificate and whether it was there already.</returns>
    /// <exception cref="RaceLostException">A concurrent write took the serial or the thumbprint first.</exception>
    private static async Task<(CertificateRow, bool)> TryImportAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CertificateRow template, DeviceObservationRow? device,
        IReadOnlyList<Finding> findings, long foundAt, AuditEvent auditEvent, AuditOptions limits)
    {
        CertificateRow? existing = await connection.QuerySingleOrDefaultAsync<CertificateRow>(
            $"SELECT {PostgresSql.CertificateColumns} FROM certificates WHERE thumbprint_sha256 = CAST(@Thumbprint AS citext)",
            new { Thumbprint = template.ThumbprintSha256 }, transaction).ConfigureAwait(false);
        if (existing is not null)
        {
            return (existing, true);
        }

        CertificateRow row = Copy(template);
        if (await connection.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM certificates WHERE serial = CAST(@Serial AS citext))", new { row.Serial }, transaction).ConfigureAwait(false))
        {
            // Serials are unique per issuer only; the inventory's serial column is unique across all of them.
            row.Serial = $"{row.Serial}:{row.ThumbprintSha256[..16]}";
        }

        if (device is not null)
        {
            row.DeviceId = await connection.ExecuteScalarAsync<long>(PostgresSql.UpsertDevice, device, transaction).ConfigureAwait(false);
        }

        long? id = await connection.ExecuteScalarAsync<long?>(InsertCertificate, row, transaction).ConfigureAwait(false);
        if (id is not { } certificateId)
        {
            throw new RaceLostException();
        }

        await PostgresPolicyStore.UpsertFindingsAsync(connection, transaction, [new CertificateFindings(certificateId, findings)], foundAt).ConfigureAwait(false);
        await connection.ExecuteAsync(PostgresSql.FlagSharedKeyById, new { Id = certificateId, FoundAt = foundAt }, transaction).ConfigureAwait(false);
        await PostgresAudit.AppendAsync(connection, transaction, auditEvent with { Target = row.Serial }, limits).ConfigureAwait(false);
        CertificateRow stored = await connection.QuerySingleAsync<CertificateRow>(
            $"SELECT {PostgresSql.CertificateColumns} FROM certificates WHERE id = @Id", new { Id = certificateId }, transaction).ConfigureAwait(false);
        return (stored, false);
    }

    /// <summary>Undoes an import attempt that lost a race; the next attempt runs against the winner's row.</summary>
    private sealed class RaceLostException : Exception;

    private static CertificateRow Copy(CertificateRow row) => new()
    {
        Serial = row.Serial,
        Profile = row.Profile,
        Issuer = row.Issuer,
        Subject = row.Subject,
        SubjectAltNames = row.SubjectAltNames,
        NotBefore = row.NotBefore,
        NotAfter = row.NotAfter,
        KeyAlgorithm = row.KeyAlgorithm,
        KeySize = row.KeySize,
        SignatureAlgorithm = row.SignatureAlgorithm,
        ThumbprintSha256 = row.ThumbprintSha256,
        PublicKeySha256 = row.PublicKeySha256,
        Der = row.Der,
        TransactionId = row.TransactionId,
        IssuedAt = row.IssuedAt,
        RevokedAt = row.RevokedAt,
        RevocationReason = row.RevocationReason,
        DeviceId = row.DeviceId,
        RenewalDueAt = row.RenewalDueAt,
        RenewalState = row.RenewalState,
        LastRenewalAttemptAt = row.LastRenewalAttemptAt,
        LastRenewalResult = row.LastRenewalResult,
        SupersededBy = row.SupersededBy,
        Source = row.Source,
    };
}

using Npgsql;
using NpgsqlTypes;

namespace CertBroker.RenewalBench;

/// <summary>
/// Bulk-loads the fleet into a migrated, empty PostgreSQL database with one binary COPY, then vacuums, analyses and
/// checkpoints, so the sweep meets the table as a long-lived one: planner statistics current, hint bits set, no
/// checkpoint of the load's pages in the middle of the timed sweep.
/// </summary>
internal static class PostgresFill
{
    /// <returns>The certificates inserted past their due time.</returns>
    public static async Task<int> InsertAsync(string connectionString, IEnumerable<BenchCertificate> certificates, byte[] der, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // The migration created the citext type after Npgsql had loaded this connection string's types.
        await connection.ReloadTypesAsync(cancellationToken);
        await using (var existing = new NpgsqlCommand("SELECT count(*) FROM certificates", connection))
        {
            if ((long)(await existing.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                throw new InvalidOperationException("The database already holds certificates: the bench fills a new, empty one.");
            }
        }

        int due = 0;
        await using (NpgsqlBinaryImporter copy = await connection.BeginBinaryImportAsync(
            """
            COPY certificates (serial, profile, issuer, subject, not_before, not_after, key_algorithm, key_size,
                signature_algorithm, thumbprint_sha256, public_key_sha256, der, issued_at, renewal_due_at)
            FROM STDIN (FORMAT BINARY)
            """,
            cancellationToken))
        {
            foreach (BenchCertificate certificate in certificates)
            {
                due += certificate.IsDue ? 1 : 0;
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(certificate.Serial, NpgsqlDbType.Citext, cancellationToken);
                await copy.WriteAsync("default", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync("CN=Bench CA", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(certificate.Subject, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(certificate.NotBefore, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(certificate.NotAfter, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync("RSA", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(2048L, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync("sha256RSA", NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(certificate.Thumbprint, NpgsqlDbType.Citext, cancellationToken);
                await copy.WriteAsync(certificate.Thumbprint, NpgsqlDbType.Citext, cancellationToken);
                await copy.WriteAsync(der, NpgsqlDbType.Bytea, cancellationToken);
                await copy.WriteAsync(certificate.NotBefore, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(certificate.DueAt, NpgsqlDbType.Bigint, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using (var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) certificates", connection) { CommandTimeout = 0 })
        {
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection) { CommandTimeout = 0 };
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            Console.WriteLine("note: CHECKPOINT needs a superuser (or pg_checkpoint); a checkpoint may fall into the sweep");
        }

        return due;
    }
}

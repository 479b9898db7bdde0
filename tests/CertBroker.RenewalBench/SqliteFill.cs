using Microsoft.Data.Sqlite;

namespace CertBroker.RenewalBench;

/// <summary>Bulk-inserts the fleet into a migrated SQLite file: one transaction, one prepared insert.</summary>
internal static class SqliteFill
{
    /// <returns>The certificates inserted past their due time.</returns>
    public static int Insert(string path, IEnumerable<BenchCertificate> certificates, byte[] der)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using SqliteTransaction transaction = connection.BeginTransaction();
        using SqliteCommand insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO certificates (serial, profile, issuer, subject, not_before, not_after, key_algorithm, key_size,
                signature_algorithm, thumbprint_sha256, public_key_sha256, der, issued_at, renewal_due_at)
            VALUES (@Serial, 'default', 'CN=Bench CA', @Subject, @NotBefore, @NotAfter, 'RSA', 2048, 'sha256RSA',
                @Thumbprint, @Thumbprint, @Der, @NotBefore, @DueAt)
            """;
        SqliteParameter serial = insert.Parameters.Add("@Serial", SqliteType.Text);
        SqliteParameter subject = insert.Parameters.Add("@Subject", SqliteType.Text);
        SqliteParameter notBefore = insert.Parameters.Add("@NotBefore", SqliteType.Integer);
        SqliteParameter notAfter = insert.Parameters.Add("@NotAfter", SqliteType.Integer);
        SqliteParameter thumbprint = insert.Parameters.Add("@Thumbprint", SqliteType.Text);
        SqliteParameter dueAt = insert.Parameters.Add("@DueAt", SqliteType.Integer);
        insert.Parameters.Add("@Der", SqliteType.Blob).Value = der;
        insert.Prepare();
        int due = 0;
        foreach (BenchCertificate certificate in certificates)
        {
            due += certificate.IsDue ? 1 : 0;
            serial.Value = certificate.Serial;
            subject.Value = certificate.Subject;
            notBefore.Value = certificate.NotBefore;
            notAfter.Value = certificate.NotAfter;
            thumbprint.Value = certificate.Thumbprint;
            dueAt.Value = certificate.DueAt;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return due;
    }
}

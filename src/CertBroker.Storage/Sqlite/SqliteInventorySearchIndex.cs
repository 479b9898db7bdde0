using CertBroker.Core.Inventory;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Sqlite;

public sealed class SqliteInventorySearchIndex(SqliteDataSource source) : IInventorySearchIndex
{
    private const string ReadWatermark = "SELECT indexed_through FROM certificate_search_state";

    private const string NextBatch = """
        SELECT COUNT(*) AS Count, MAX(id) AS Through
        FROM (SELECT id FROM certificates WHERE id > @Watermark ORDER BY id LIMIT @Max)
        """;

    private const string IndexBatch = """
        INSERT INTO certificate_search (rowid, subject, serial, subject_alt_names)
        SELECT id, subject, serial, subject_alt_names FROM certificates WHERE id > @Watermark AND id <= @Through;
        UPDATE certificate_search_state SET indexed_through = @Through;
        """;

    private const string CountPending = "SELECT COUNT(*) FROM certificates WHERE id > (" + ReadWatermark + ")";

    /// <remarks>
    /// Ids only grow, so the certificates above the watermark, in id order, are exactly those not indexed yet
    /// (migration 0010). The batch commits with whatever enrolments the writer groups with it.
    /// </remarks>
    public Task<int> IndexPendingAsync(int maxCertificates, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCertificates, 1);
        return source.WriteAsync((long)maxCertificates, static (connection, max) =>
        {
            long watermark = connection.ExecuteScalar<long>(ReadWatermark);
            (long count, long? through) = ReadNextBatch(connection, watermark, max);
            if (count > 0)
            {
                connection.Execute(IndexBatch, new { Watermark = watermark, Through = through });
            }

            return (int)count;
        }, cancellationToken);
    }

    // By column name: a tuple mapped by Dapper would take the columns by position.
    private static (long Count, long? Through) ReadNextBatch(SqliteConnection connection, long watermark, long max)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = NextBatch;
        command.Parameters.AddWithValue("@Watermark", watermark);
        command.Parameters.AddWithValue("@Max", max);
        using SqliteDataReader reader = command.ExecuteReader();
        reader.Read();
        int count = reader.GetOrdinal("count"), through = reader.GetOrdinal("through");
        return (reader.GetInt64(count), reader.IsDBNull(through) ? null : reader.GetInt64(through));
    }

    public Task<long> CountPendingAsync(CancellationToken cancellationToken) =>
        source.ReadAsync(0, static (connection, _) => connection.ExecuteScalar<long>(CountPending), cancellationToken);
}

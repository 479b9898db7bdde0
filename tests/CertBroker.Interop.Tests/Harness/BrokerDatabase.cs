using Microsoft.Data.Sqlite;

namespace CertBroker.Interop.Tests.Harness;

/// <summary>
/// The broker's SQLite file as an operator's <c>sqlite3 -readonly</c> would see it: opened read-only, never changed,
/// so what a test reads is what the broker wrote.
/// </summary>
public sealed class BrokerDatabase : IDisposable
{
    /// <summary>The file name under <c>CertBroker:DataDir</c>.</summary>
    public const string FileName = "certbroker.db";

    private readonly SqliteConnection _connection;

    static BrokerDatabase() => SQLitePCL.Batteries_V2.Init();

    private BrokerDatabase(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens <c>certbroker.db</c> in <paramref name="dataDirectory"/> read-only; the broker may keep running.</summary>
    public static BrokerDatabase OpenReadOnly(string dataDirectory)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, FileName),
            Mode = SqliteOpenMode.ReadOnly,
            // No pooled handle may outlive the test and keep the file open.
            Pooling = false,
            DefaultTimeout = 10,
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        return new BrokerDatabase(connection);
    }

    /// <summary>
    /// Copies the database and its write-ahead log as they are on disk into <paramref name="directory"/> and opens the
    /// copy read-write, so SQLite recovers the log the way the broker's next start would, without touching the original.
    /// </summary>
    public static BrokerDatabase OpenCopy(string dataDirectory, string directory)
    {
        foreach (var suffix in new[] { "", "-wal" })
        {
            var source = Path.Combine(dataDirectory, FileName + suffix);
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(directory, FileName + suffix), overwrite: true);
            }
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, FileName),
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        return new BrokerDatabase(connection);
    }

    /// <summary><c>PRAGMA integrity_check</c>: "ok", or the problems SQLite found, one a line.</summary>
    public string IntegrityCheck()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    /// <summary>The one number a query such as <c>SELECT COUNT(*) ...</c> answers.</summary>
    public long Count(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _connection.Dispose();
}

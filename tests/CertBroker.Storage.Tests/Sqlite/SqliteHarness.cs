using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>A database file in a directory of its own that does not exist yet, removed afterwards.</summary>
public sealed class SqliteHarness : StoreHarness
{
    private readonly List<SqliteStores> _stores = [];

    public SqliteHarness()
    {
        Root = Path.Combine(Path.GetTempPath(), "certbroker-storage-tests", Guid.NewGuid().ToString("N"));
        DatabasePath = Path.Combine(Root, "data", "certbroker.db");
    }

    public string Root { get; }

    public string DatabasePath { get; }

    public SqliteStoreOptions Options => new() { DatabasePath = DatabasePath };

    public override IStoreMigrator CreateMigrator() =>
        new SqliteMigrator(Options, TimeProvider.System, NullLogger<SqliteMigrator>.Instance);

    public override StoreUnderTest CreateStore()
    {
        SqliteStores stores = CreateStores();
        return new StoreUnderTest(
            stores.Enrolments, stores.Certificates, stores.Accounts, stores.Accounts, stores.Accounts, stores.Audit,
            stores.Devices, stores.Devices, stores.Challenges, stores.Challenges, stores.Approvals, stores.Renewal,
            stores.RenewalEvents, stores.Upstream, stores.Policy, stores.Reports, stores.Search);
    }

    /// <summary>Every SQLite store over one new data source, disposed with the harness.</summary>
    public SqliteStores CreateStores()
    {
        var stores = new SqliteStores(Options, NullLogger<SqliteDataSource>.Instance);
        lock (_stores)
        {
            _stores.Add(stores);
        }

        return stores;
    }

    public override async Task SetSchemaVersionAsync(int version)
    {
        await using var connection = OpenRaw();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES ($version, 'from-a-newer-build', 0)";
        command.Parameters.AddWithValue("$version", version);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A plain connection for looking at what the store wrote, the way an operator's sqlite3 would.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    public override ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

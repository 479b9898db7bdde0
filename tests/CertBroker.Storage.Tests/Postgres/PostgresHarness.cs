using CertBroker.Core.Storage;
using CertBroker.Storage.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CertBroker.Storage.Tests.Postgres;

/// <summary>A database of its own on the tests' PostgreSQL server (<see cref="PostgresServer"/>), dropped afterwards.</summary>
public sealed class PostgresHarness : StoreHarness
{
    private readonly List<PostgresStores> _stores = [];
    private readonly Lazy<string> _connectionString = new(() => PostgresServer.CreateDatabaseAsync("store").GetAwaiter().GetResult());

    public string ConnectionString => _connectionString.Value;

    public PostgresStoreOptions Options => new() { ConnectionString = ConnectionString };

    public override IStoreMigrator CreateMigrator() =>
        new PostgresMigrator(Options, TimeProvider.System, NullLogger<PostgresMigrator>.Instance);

    public override StoreUnderTest CreateStore()
    {
        PostgresStores stores = CreateStores();
        return new StoreUnderTest(
            Enrolments: stores.Enrolments, Certificates: stores.Certificates, Accounts: stores.Accounts, Tokens: stores.Accounts,
            AccountAdministration: stores.Accounts, Audit: stores.Audit, Devices: stores.Devices, Inventory: stores.Devices,
            Challenges: stores.Challenges, ChallengeCleanup: stores.Challenges, Approvals: stores.Approvals, Renewal: stores.Renewal,
            RenewalEvents: stores.RenewalEvents, Upstream: stores.Upstream, Policy: stores.Policy, Reports: stores.Reports,
            Search: stores.Search);
    }

    /// <summary>Every PostgreSQL store over one new data source, disposed with the harness.</summary>
    public PostgresStores CreateStores()
    {
        var stores = new PostgresStores(Options, NullLogger<PostgresDataSource>.Instance);
        lock (_stores)
        {
            _stores.Add(stores);
        }

        return stores;
    }

    public override async Task SetSchemaVersionAsync(int version)
    {
        await using var connection = OpenRaw();
        await using var command = new NpgsqlCommand(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, 'from-a-newer-build', 0)", connection);
        command.Parameters.AddWithValue("version", version);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A plain connection for looking at what the store wrote, the way an operator's psql would.</summary>
    public NpgsqlConnection OpenRaw()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        if (_connectionString.IsValueCreated)
        {
            await PostgresServer.DropDatabaseAsync(ConnectionString);
        }
    }
}

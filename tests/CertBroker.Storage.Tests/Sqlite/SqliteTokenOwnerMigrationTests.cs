using CertBroker.Core.Accounts;
using CertBroker.Storage.Sqlite;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>
/// Upgrading a database from before token owners: tokens get the account the audit trail says created them, even a
/// deleted one (whose tokens then stop working).
/// </summary>
public sealed class SqliteTokenOwnerMigrationTests : IAsyncLifetime
{
    private const int OwnersVersion = 17;

    private readonly SqliteHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task MigrateAsync_TokensFromBeforeOwners_OwnerTakenFromTheirCreationEvent()
    {
        await using (SqliteConnection connection = CreateAtVersion(OwnersVersion - 1))
        {
            await connection.ExecuteAsync("""
                INSERT INTO accounts (user_name, role, password_hash, password_set_at, version) VALUES ('alice', 1, 'x', 0, 0);
                INSERT INTO api_tokens (name, role, secret_hash, created_at) VALUES ('ansible', 1, 'h1', 0), ('child', 4, 'h2', 0), ('ghost', 4, 'h3', 0), ('trimmed', 4, 'h4', 0);
                INSERT INTO audit_events (time, action, outcome, actor, target) VALUES
                    (0, 'token.created', 0, 'Alice', 'token:ansible'),
                    (0, 'token.created', 0, 'token:ansible', 'token:child'),
                    (0, 'token.created', 0, 'bob', 'token:ghost');
                """);
        }

        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);

        IReadOnlyList<ApiToken> tokens = await _harness.CreateStore().Tokens.ListAsync(CancellationToken.None);
        Assert.Equal(
            [("ansible", "alice"), ("child", null), ("ghost", "bob"), ("trimmed", null)],
            tokens.Select(t => (t.Name, t.Owner)));
    }

    /// <summary>A database as an older build left it: the embedded scripts up to <paramref name="version"/> only.</summary>
    private SqliteConnection CreateAtVersion(int version)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_harness.DatabasePath)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _harness.DatabasePath, Pooling = false }.ToString());
        connection.Open();
        connection.Execute(SqliteSql.CreateVersionTable);
        foreach (var script in SqliteMigrator.Scripts.Where(s => s.Version <= version))
        {
            connection.Execute(script.Sql);
            connection.Execute(SqliteSql.RecordVersion, new { script.Version, script.Name, AppliedAt = 0L });
        }

        return connection;
    }
}

using CertBroker.Storage.Sqlite;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>SQLite's own short waits last milliseconds, not the whole seconds the bundled build rounds them up to.</summary>
public sealed class SqliteShortSleepTests : IAsyncLifetime
{
    private readonly SqliteHarness _harness = new();

    public async Task InitializeAsync() => await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public void OpeningTheStore_MakesTheShortSleepingVfsTheDefault() =>
        Assert.Equal(SqliteShortSleep.VfsName, SqliteShortSleep.DefaultVfsName());

    [Fact]
    public void Sleep_OneMillisecond_IsOneMillisecondNotOneSecond()
    {
        // The build's own VFS sleeps with sleep(3) and reports 1000 ms for this.
        Assert.Equal(1, SqliteShortSleep.SleepThroughSqlite(1));
    }

    [Fact]
    public async Task Store_AfterInstallingTwice_StillReadsAndWrites()
    {
        SqliteShortSleep.Install();
        using var connection = _harness.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM certificates";
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }
}

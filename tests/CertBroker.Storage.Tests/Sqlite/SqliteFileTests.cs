using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>What an operator sees of the SQLite file: where it appears, who may read it, how rows are laid out.</summary>
public sealed class SqliteFileTests : IAsyncLifetime
{
    private readonly SqliteHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task MigrateAsync_MissingDirectoryAndFile_CreatesThemForOwnerOnly()
    {
        Assert.False(Directory.Exists(_harness.Root));

        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);

        Assert.True(File.Exists(_harness.DatabasePath));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_harness.DatabasePath));
            Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                File.GetUnixFileMode(Path.GetDirectoryName(_harness.DatabasePath)!));
        }
    }

    [Fact]
    public async Task MigrateAsync_ExistingWorldReadableFile_RestrictsItToOwner()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_harness.DatabasePath)!);
        await File.WriteAllBytesAsync(_harness.DatabasePath, []);
        File.SetUnixFileMode(_harness.DatabasePath, (UnixFileMode)0b110_100_100);

        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_harness.DatabasePath));
    }

    [Fact]
    public async Task SaveIssuedAsync_AfterWrites_WriteAheadLogFilesAreOwnerOnlyToo()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        var store = _harness.CreateStore().Enrolments;
        await store.SaveIssuedAsync(TestData.Transaction(), TestData.Certificate(), CancellationToken.None);

        var wal = _harness.DatabasePath + "-wal";
        Assert.True(File.Exists(wal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(wal));
    }

    [Fact]
    public async Task MigrateAsync_EmptyDatabase_UsesWriteAheadLogAndRecordsEachScript()
    {
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);

        await using var connection = _harness.OpenRaw();
        Assert.Equal("wal", await ScalarAsync<string>(connection, "PRAGMA journal_mode"));
        var scripts = CertBroker.Storage.Migrations.EmbeddedMigrations.Load(
            typeof(SqliteMigrator).Assembly, "CertBroker.Storage.Sqlite.Migrations.");
        Assert.Equal(
            string.Join(',', scripts.Select(s => $"{s.Version}:{s.Name}")),
            await ScalarAsync<string>(connection, "SELECT group_concat(version || ':' || name) FROM (SELECT version, name FROM schema_version ORDER BY version)"));
    }

    [Fact]
    public async Task SaveIssuedAsync_StoredRow_KeepsDocumentedColumnFormats()
    {
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        var certificate = TestData.Certificate() with { SubjectAlternativeNames = ["DNS:a.example", "IP:192.0.2.1"] };
        await _harness.CreateStore().Enrolments.SaveIssuedAsync(TestData.Transaction(), certificate, CancellationToken.None);

        await using var connection = _harness.OpenRaw();
        // Reports and ad-hoc queries rely on these: a JSON array, and integer microseconds since the epoch in UTC.
        Assert.Equal("[\"DNS:a.example\",\"IP:192.0.2.1\"]", await ScalarAsync<string>(connection, "SELECT subject_alt_names FROM certificates"));
        Assert.Equal(
            TestData.Now.ToUnixTimeMilliseconds() * 1000 + 897,
            await ScalarAsync<long>(connection, "SELECT issued_at FROM certificates"));
    }

    [Fact]
    public async Task Store_IdleAfterWritesAndLookups_DoesNotHoldBackCheckpoints()
    {
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        var store = _harness.CreateStore();
        for (var i = 0; i < 20; i++)
        {
            var transaction = TestData.Transaction();
            var certificate = TestData.Certificate(transactionId: transaction.TransactionId);
            await store.Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None);
            await store.Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
            await store.Certificates.FindByThumbprintAsync(certificate.ThumbprintSha256, CancellationToken.None);
        }

        // The store keeps its connections open between calls; a read left open on one would stop the log from
        // ever being folded back into the database, and the -wal file would grow without end.
        await using var connection = _harness.OpenRaw();
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await using var result = await checkpoint.ExecuteReaderAsync();
        Assert.True(await result.ReadAsync());
        Assert.Equal(0L, result.GetInt64(0));
        Assert.Equal(0L, new FileInfo(_harness.DatabasePath + "-wal").Length);
    }

    [Fact]
    public async Task Store_TwoStoresOnOneFile_SeeEachOthersWrites()
    {
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        var writer = _harness.CreateStore();
        var reader = _harness.CreateStore();
        var transaction = TestData.Transaction();

        await writer.Enrolments.SaveIssuedAsync(transaction, TestData.Certificate(), CancellationToken.None);

        var found = await reader.Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
        Assert.Equal(TransactionState.Issued, found!.State);
    }

    [Fact]
    public async Task Store_FileDeletedAfterMigration_RefusesInsteadOfStartingEmpty()
    {
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        var (transaction, certificate) = (TestData.Transaction(), TestData.Certificate());
        SqliteConnection.ClearAllPools();
        File.Delete(_harness.DatabasePath);
        var store = _harness.CreateStore();
        // The store checks the schema on first use, so a missing file reads as "never migrated".
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None));
    }

    [Fact]
    public void Constructor_InvalidOptions_ReportsEveryProblemAtOnce()
    {
        var options = new SqliteStoreOptions
        {
            DatabasePath = " ",
            BusyTimeout = TimeSpan.FromSeconds(-1),
            Synchronous = (SqliteSynchronousMode)9,
            CommitDelay = TimeSpan.FromSeconds(2),
        };

        var exception = Assert.Throws<OptionsValidationException>(
            () => new SqliteDataSource(options, NullLogger<SqliteDataSource>.Instance));

        Assert.Equal(4, exception.Failures.Count());
        Assert.Contains(exception.Failures, f => f.Contains(nameof(SqliteStoreOptions.CommitDelay), StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains(nameof(SqliteStoreOptions.DatabasePath), StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains(nameof(SqliteStoreOptions.BusyTimeout), StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains(nameof(SqliteStoreOptions.Synchronous), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(":memory:")]
    [InlineData("file:certbroker.db?mode=memory")]
    public void Validate_NotAFilePath_Fails(string path)
    {
        var result = new SqliteStoreOptionsValidator().Validate(null, new SqliteStoreOptions { DatabasePath = path });

        Assert.True(result.Failed);
    }

    [Fact]
    public void Validate_Defaults_FailOnlyForMissingPath()
    {
        var result = new SqliteStoreOptionsValidator().Validate(null, new SqliteStoreOptions());

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("Storage:Sqlite:DatabasePath is required", failure, StringComparison.Ordinal);
    }

    private static async Task<T> ScalarAsync<T>(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}

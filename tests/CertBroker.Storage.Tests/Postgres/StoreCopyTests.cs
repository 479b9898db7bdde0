using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;
using CertBroker.Core.Policy;
using CertBroker.Storage.Copy;
using CertBroker.Storage.Migrations;
using CertBroker.Storage.Sqlite;
using CertBroker.Storage.Tests.Sqlite;
using Npgsql;

namespace CertBroker.Storage.Tests.Postgres;

/// <summary><c>certbroker db copy</c>'s work: a SQLite database the SQLite stores filled, into a fresh PostgreSQL one.</summary>
public sealed class StoreCopyTests : IAsyncLifetime
{
    private readonly SqliteHarness _sqlite = new();
    private readonly PostgresHarness _postgres = new();

    public async Task InitializeAsync()
    {
        await _sqlite.CreateMigrator().MigrateAsync(CancellationToken.None);
        await FillAsync(_sqlite.CreateStore());
    }

    public async Task DisposeAsync()
    {
        await _sqlite.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_DataInEveryTable_CopiesEveryRowWithMatchingChecksums()
    {
        StoreCopyResult result = await Copy().RunAsync(CancellationToken.None);

        Assert.True(result.Matches);
        string[] expected =
        [
            "accounts", "api_tokens", "audit_class_counts", "audit_events", "certificates", "challenges", "devices",
            "event_consumers", "findings", "policy_state", "transactions", "upstream_requests",
        ];
        Assert.Equal(expected, result.Tables.Select(t => t.Table).Order(StringComparer.Ordinal));
        Assert.All(result.Tables, t => Assert.True(t.SourceRows > 0, $"{t.Table} has no rows in the source: the test does not cover it."));
        // The migration seeds audit_class_counts; the copy updates only the rows whose counts differ.
        Assert.All(result.Tables.Where(t => t.Table != "audit_class_counts"), t => Assert.Equal(t.SourceRows, t.Copied));
        string[] order = [.. result.Tables.Select(t => t.Table)];
        Assert.True(Array.IndexOf(order, "devices") < Array.IndexOf(order, "certificates"));
        Assert.True(Array.IndexOf(order, "certificates") < Array.IndexOf(order, "findings"));
        Assert.Contains(result.Notes, n => n.StartsWith("certificate_search", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_SecondTime_CopiesNothingAndStillMatches()
    {
        StoreCopyResult first = await Copy().RunAsync(CancellationToken.None);

        StoreCopyResult second = await Copy().RunAsync(CancellationToken.None);

        Assert.True(second.Matches);
        Assert.All(second.Tables, t => Assert.Equal(0, t.Copied));
        Assert.Equal(first.Tables.Select(t => t.TargetChecksum), second.Tables.Select(t => t.TargetChecksum));
    }

    [Fact]
    public async Task RunAsync_Copied_NewRowsTakeIdsAfterTheCopiedOnes()
    {
        StoreCopyResult result = await Copy().RunAsync(CancellationToken.None);

        await using NpgsqlConnection connection = _postgres.OpenRaw();
        await using var command = new NpgsqlCommand(
            "INSERT INTO audit_events (time, action, outcome, actor) VALUES (0, 'test', 0, 'test') RETURNING id", connection);
        long id = (long)(await command.ExecuteScalarAsync())!;
        Assert.True(id > result.Tables.Single(t => t.Table == "audit_events").SourceRows);
    }

    [Fact]
    public async Task RunAsync_TargetChangedAfterTheCopy_ReportsTheTableAsDifferent()
    {
        await Copy().RunAsync(CancellationToken.None);
        await using (NpgsqlConnection connection = _postgres.OpenRaw())
        {
            await using var command = new NpgsqlCommand("UPDATE devices SET location = 'Building Z'", connection);
            await command.ExecuteNonQueryAsync();
        }

        StoreCopyResult again = await Copy().RunAsync(CancellationToken.None);

        Assert.False(again.Matches);
        Assert.Equal(["devices"], again.Tables.Where(t => !t.Matches).Select(t => t.Table));
    }

    [Fact]
    public async Task RunAsync_SqliteAtAnotherSchemaVersion_RefusesBeforeWritingAnything()
    {
        await _sqlite.SetSchemaVersionAsync(SqliteMigrator.LatestVersion + 1);

        var refused = await Assert.ThrowsAsync<StoreCopyException>(() => Copy().RunAsync(CancellationToken.None));

        Assert.Contains($"schema version {SqliteMigrator.LatestVersion + 1}", refused.Message, StringComparison.Ordinal);
        await using NpgsqlConnection connection = _postgres.OpenRaw();
        await using var command = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NULL", connection);
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task RunAsync_PostgresFromANewerBuild_Refuses()
    {
        await _postgres.CreateMigrator().MigrateAsync(CancellationToken.None);
        await _postgres.SetSchemaVersionAsync(CertBroker.Storage.Postgres.PostgresMigrator.LatestVersion + 1);

        await Assert.ThrowsAsync<SchemaTooNewException>(() => Copy().RunAsync(CancellationToken.None));
    }

    private StoreCopy Copy() => new(_sqlite.DatabasePath, _postgres.ConnectionString) { BatchSize = 3 };

    /// <summary>What a broker that has been in use holds: enrolments, devices, findings, accounts, challenges, the queue position…</summary>
    private static async Task FillAsync(StoreUnderTest store)
    {
        CancellationToken none = CancellationToken.None;
        var printer = new DeviceIdentity(DeviceIdentityKind.SubjectCn, "mfd-1");
        await store.Devices.CreateAsync(
            new Device { Identity = printer, Name = "Reception MFD", Location = "Building A", CreatedAt = TestData.Now, UpdatedAt = TestData.Now },
            Event(AuditActions.DeviceCreated), none);

        var serials = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            EnrolmentTransaction transaction = TestData.Transaction(state: TransactionState.Issued) with
            {
                Device = new DeviceObservation { Identity = i % 2 == 0 ? printer : new DeviceIdentity(DeviceIdentityKind.SubjectCn, $"router-{i}"), Name = $"device {i}", Profile = TestData.Profile, SeenAt = TestData.Now },
            };
            CertificateRecord certificate = TestData.Certificate(transactionId: transaction.TransactionId);
            serials.Add((await store.Enrolments.SaveIssuedAsync(transaction, certificate, Event("request.issued"), none)).Certificate.Serial);
        }

        await store.Enrolments.SaveTransactionAsync(TestData.Transaction(state: TransactionState.Failed), Event("request.failed"), none);
        await store.Certificates.RevokeAsync(serials[0], 1, TestData.Now, none);

        IReadOnlyList<InventoryCertificate> certificates = await store.Policy.ListCertificatesAsync(0, 100, none);
        await store.Policy.ReplaceFindingsAsync(
            [.. certificates.Take(3).Select(c => new CertificateFindings(c.Id, [new Finding("WC-KEY-01", FindingSeverity.Fail, "1024", "2048", "RSA key of 1024 bits, below 2048.")]))],
            null, TestData.Now, none);
        await store.Policy.SetPolicyHashAsync("policy-hash-1", TestData.Now, Event(AuditActions.PolicyChanged), none);

        await store.Accounts.CreateAsync(
            new AdminAccount { UserName = "Alice", Role = Role.Administrator, PasswordHash = "pbkdf2-sha256$100000$c2FsdA==$aGFzaA==", PasswordSetAt = TestData.Now },
            Event(AuditActions.AccountCreated), none);
        await store.Tokens.CreateAsync(
            new ApiToken { Name = "grafana", Role = Role.Monitoring, SecretHash = ApiTokenSecret.Hash(ApiTokenSecret.Generate()), CreatedAt = TestData.Now },
            none);

        await store.Challenges.CreateAsync(
            new OneTimeChallenge
            {
                PasswordSha256 = OneTimeChallenge.HashOf("once"),
                Profile = TestData.Profile,
                CreatedBy = "admin",
                CreatedAt = TestData.Now,
                ExpiresAt = TestData.Now.AddHours(1),
                Binding = new ChallengeBinding(ChallengeBindingKind.CommonName, "printer-1"),
            },
            10, Event(AuditActions.ChallengeIssued), none);

        await store.Upstream.SaveUpstreamRequestAsync(
            new UpstreamRequest
            {
                Profile = TestData.Profile,
                TransactionId = "tid-upstream",
                UpstreamTransactionId = "up-tid-upstream",
                State = UpstreamRequestState.Pending,
                Attempts = 2,
                LastError = "timeout",
                CreatedAt = TestData.Now,
                UpdatedAt = TestData.Now,
            },
            none);

        long newest = await store.RenewalEvents.NewestPositionAsync(none);
        await store.RenewalEvents.SetPositionAsync("webhook", newest, TestData.Now, none);
    }

    private static AuditEvent Event(string action) =>
        new() { Time = TestData.Now, Action = action, Outcome = AuditOutcome.Success, Actor = "admin", Details = "ünïcode détails" };
}

using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;

namespace CertBroker.Storage.Tests.Postgres;

/// <summary>
/// The device inventory and certificate search on PostgreSQL, with certificates seeded by plain SQL, and with two
/// nodes (two <see cref="Storage.Postgres.PostgresStores"/>) writing the same identities at once.
/// </summary>
public sealed class PostgresDeviceNodeTests : IAsyncLifetime
{
    private static readonly DeviceIdentity Printer = new(DeviceIdentityKind.SerialNumber, "XK-2231");

    private readonly PostgresHarness _harness = new();

    public async Task InitializeAsync() => await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task CreateAsync_SameIdentityOnTwoNodesAtOnce_OneDeviceOneAuditEventTheRestDuplicate()
    {
        var nodes = new[] { _harness.CreateStores().Devices, _harness.CreateStores().Devices };

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await nodes[i % 2].CreateAsync(NewDevice(Printer with { Key = i % 2 == 0 ? "XK-2231" : "xk-2231" }), Event(AuditActions.DeviceCreated), CancellationToken.None);
                return true;
            }
            catch (DuplicateDeviceException)
            {
                return false;
            }
        })));

        Assert.Single(attempts, created => created);
        Assert.Equal(1L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(*) FROM devices"));
        Assert.Equal(1L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(*) FROM audit_events"));
    }

    [Fact]
    public async Task ImportAsync_SameFileOnTwoNodesAtOnce_CreatesEachIdentityOnce()
    {
        Device[] file = [.. Enumerable.Range(0, 20).Select(i => NewDevice(new DeviceIdentity(DeviceIdentityKind.SubjectCn, $"mfd-{i}")) with { Location = "Lobby" })];
        var nodes = new[] { _harness.CreateStores().Devices, _harness.CreateStores().Devices };

        var results = await Task.WhenAll(nodes.Select(node => Task.Run(() => node.ImportAsync(file, Event(AuditActions.DevicesImported), CancellationToken.None))));

        Assert.Equal(20, results.Sum(r => r.Created));
        Assert.Equal(20, results.Sum(r => r.Updated));
        Assert.Equal(20L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(*) FROM devices"));
    }

    [Fact]
    public async Task ImportAsync_IdentityTwiceInOneFileDifferingInCase_MergesTheSecondIntoTheFirst()
    {
        var devices = _harness.CreateStores().Devices;

        DeviceImportResult result = await devices.ImportAsync(
            [NewDevice(Printer) with { Name = "Reception MFD" }, NewDevice(Printer with { Key = "xk-2231" }) with { Model = "iR-ADV C5550" }],
            Event(AuditActions.DevicesImported), CancellationToken.None);

        Assert.Equal(new DeviceImportResult(1, 1), result);
        Device merged = (await devices.FindByIdentityAsync(Printer with { Key = "Xk-2231" }, CancellationToken.None))!;
        Assert.Equal(("Reception MFD", "iR-ADV C5550"), (merged.Name, merged.Model));
    }

    [Fact]
    public async Task ListAsync_SeededCertificates_StateFromTheNewestCertificateAndFindingsRead()
    {
        var stores = _harness.CreateStores();
        Device device = await stores.Devices.CreateAsync(NewDevice(Printer), Event(AuditActions.DeviceCreated), CancellationToken.None);
        await CertificateSeed.CertificateAsync(_harness, TestData.Now.AddDays(-1), deviceId: device.Id, issuedAt: TestData.Now.AddDays(-400));
        var newest = await CertificateSeed.CertificateAsync(_harness, TestData.Now.AddDays(10), deviceId: device.Id, issuedAt: TestData.Now.AddDays(-5));
        await CertificateSeed.ScalarAsync<long>(_harness, """
            INSERT INTO findings (certificate_id, rule_id, severity, observed, threshold, message, found_at)
            SELECT id, 'WC-RSA-01', 1, '2048', '3072', 'Short key', 0 FROM certificates WHERE serial = @Serial RETURNING id
            """, new { newest.Serial });

        DeviceListItem item = Assert.Single(await stores.Devices.ListAsync(new DeviceQuery { Now = TestData.Now, State = DeviceState.Expiring }, CancellationToken.None));

        Assert.Equal((newest.Serial, DeviceState.Expiring), (item.CertificateSerial, item.State));
        Assert.Equal("WC-RSA-01", Assert.Single(item.Findings).RuleId);
        Assert.Equal(2, (await stores.Devices.ListCertificatesAsync(device.Id, CancellationToken.None)).Count);
        Assert.Empty(await stores.Devices.ListAsync(new DeviceQuery { Now = TestData.Now, State = DeviceState.Expired }, CancellationToken.None));
    }

    [Theory]
    [InlineData("ROUTER-17.EXAMPLE.NET", 1)]
    [InlineData("o=exa", 1)]
    [InlineData("17", 1)]
    [InlineData("router_17", 0)]
    [InlineData("router%17", 0)]
    [InlineData("%", 0)]
    public async Task ListCertificatesAsync_Text_FindsSubstringsOfOneColumnAndTakesWildcardsLiterally(string text, int expected)
    {
        var certificate = await CertificateSeed.CertificateAsync(_harness, TestData.Now.AddDays(100));
        var search = _harness.CreateStores();

        var found = await search.Devices.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = text }, CancellationToken.None);

        Assert.Equal(expected, found.Count);
        Assert.All(found, c => Assert.Equal(certificate.Serial, c.Serial));
        Assert.Equal((0, 0L), (await search.Search.IndexPendingAsync(10, CancellationToken.None), await search.Search.CountPendingAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task ListCertificatesAsync_TextSpanningSubjectAndSerial_FindsNothing()
    {
        var certificate = await CertificateSeed.CertificateAsync(_harness, TestData.Now.AddDays(100));
        var devices = _harness.CreateStores().Devices;

        var found = await devices.ListCertificatesAsync(
            new CertificateQuery { Now = TestData.Now, Text = "O=Example " + certificate.Serial[..6] }, CancellationToken.None);

        Assert.Empty(found);
        Assert.Single(await devices.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = certificate.Serial[..6] }, CancellationToken.None));
    }

    [Fact]
    public async Task ListCertificatesAsync_TextCondition_IsAnsweredByTheTrigramIndex()
    {
        await using var connection = _harness.OpenRaw();
        await using var command = connection.CreateCommand();
        // Too few rows for the planner to prefer the index on its own: sequential scans are ruled out instead.
        command.CommandText = "SET enable_seqscan = off; EXPLAIN SELECT id FROM certificates WHERE " + Storage.Postgres.PostgresDevices.TextCondition;
        command.Parameters.AddWithValue("Like", "router-17");
        command.Parameters.AddWithValue("Text", "router-17");
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        Assert.Contains(plan, line => line.Contains("ix_certificates_search", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RevokeAsync_SerialInOtherCase_RevokesAndAuditsInOneTransaction()
    {
        var certificate = await CertificateSeed.CertificateAsync(_harness, TestData.Now.AddDays(100));
        var devices = _harness.CreateStores().Devices;

        CertificateRecord? revoked = await devices.RevokeAsync(certificate.Serial.ToUpperInvariant(), 4, TestData.Now, Event(AuditActions.CertificateRevoked), CancellationToken.None);

        Assert.Equal((certificate.Serial, 4), (revoked?.Serial, revoked?.RevocationReason));
        Assert.Null(await devices.RevokeAsync("00ff", 4, TestData.Now, Event(AuditActions.CertificateRevoked), CancellationToken.None));
        Assert.Equal(1L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(*) FROM audit_events"));
    }

    [Fact]
    public async Task DeleteAsync_DeviceWithSeededCertificate_UnlinksItAndAudits()
    {
        var devices = _harness.CreateStores().Devices;
        Device device = await devices.CreateAsync(NewDevice(Printer), Event(AuditActions.DeviceCreated), CancellationToken.None);
        var certificate = await CertificateSeed.CertificateAsync(_harness, TestData.Now.AddDays(100), deviceId: device.Id);

        Assert.True(await devices.DeleteAsync(device.Id, Event(AuditActions.DeviceDeleted), CancellationToken.None));

        Assert.Equal(0L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(device_id) FROM certificates WHERE serial = @Serial", new { certificate.Serial }));
        Assert.Equal(2L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(*) FROM audit_events"));
    }

    [Fact]
    public async Task UpdateAsync_ToAnIdentityTaken_ThrowsDuplicateAndChangesNothing()
    {
        var devices = _harness.CreateStores().Devices;
        await devices.CreateAsync(NewDevice(Printer), Event(AuditActions.DeviceCreated), CancellationToken.None);
        Device other = await devices.CreateAsync(NewDevice(new DeviceIdentity(DeviceIdentityKind.SerialNumber, "XK-9")), Event(AuditActions.DeviceCreated), CancellationToken.None);

        await Assert.ThrowsAsync<DuplicateDeviceException>(() => devices.UpdateAsync(other with { Identity = Printer with { Key = "xk-2231" } }, Event(AuditActions.DeviceChanged), CancellationToken.None));

        Assert.Equal("XK-9", (await devices.FindAsync(other.Id, CancellationToken.None))!.Identity.Key);
        Assert.Equal(2L, await CertificateSeed.ScalarAsync<long>(_harness, "SELECT count(*) FROM audit_events"));
    }

    private static Device NewDevice(DeviceIdentity identity) => new() { Identity = identity, CreatedAt = TestData.Now, UpdatedAt = TestData.Now };

    private static AuditEvent Event(string action) => new() { Time = TestData.Now, Action = action, Outcome = AuditOutcome.Success, Actor = "admin" };
}

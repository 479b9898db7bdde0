using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>The device inventory and admin certificate queries of the SQLite store, with their audit rows.</summary>
public sealed class SqliteInventoryTests : IAsyncLifetime
{
    private static readonly DeviceIdentity Printer = new(DeviceIdentityKind.SerialNumber, "XK-2231");

    private readonly SqliteHarness _harness = new();
    private SqliteStores _stores = null!;

    public async Task InitializeAsync()
    {
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        _stores = new SqliteStores(_harness.Options, NullLogger<SqliteDataSource>.Instance);
    }

    public async Task DisposeAsync()
    {
        _stores.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task SaveIssuedAsync_WithDevice_CreatesDeviceOnceAndLinksEveryCertificate()
    {
        await IssueAsync(Printer, TestData.Now);
        await IssueAsync(Printer, TestData.Now.AddDays(1));

        Device device = (await _stores.Devices.FindByIdentityAsync(Printer, CancellationToken.None))!;
        IReadOnlyList<CertificateRecord> history = await _stores.Devices.ListCertificatesAsync(device.Id, CancellationToken.None);
        Assert.Equal(2, history.Count);
        Assert.All(history, c => Assert.Equal(device.Id, c.DeviceId));
        Assert.Equal(TestData.Now.AddDays(1), device.LastSeen);
        Assert.Equal(TestData.Now.ToUniversalTime().AddTicks(-(TestData.Now.Ticks % 10)), device.FirstSeen);
    }

    [Fact]
    public async Task SaveIssuedAsync_AdminNamedTheDevice_EnrolmentKeepsTheAdminsValues()
    {
        Device added = await _stores.Devices.CreateAsync(NewDevice(Printer) with { Name = "Reception MFD", IpAddress = "10.0.0.5" }, Event(AuditActions.DeviceCreated), CancellationToken.None);

        await IssueAsync(Printer, TestData.Now);

        Device after = (await _stores.Devices.FindAsync(added.Id, CancellationToken.None))!;
        Assert.Equal("Reception MFD", after.Name);
        Assert.Equal("10.0.0.5", after.IpAddress);
        Assert.NotNull(after.FirstSeen);
    }

    [Theory]
    [InlineData(DeviceState.Valid, "valid-1")]
    [InlineData(DeviceState.Expiring, "expiring-1")]
    [InlineData(DeviceState.Expired, "expired-1")]
    [InlineData(DeviceState.Revoked, "revoked-1")]
    [InlineData(DeviceState.None, "never-enrolled")]
    public async Task ListAsync_ByState_FindsOnlyDevicesInThatState(DeviceState state, string expected)
    {
        await IssueAsync(new DeviceIdentity(DeviceIdentityKind.SubjectCn, "valid-1"), TestData.Now, notAfter: TestData.Now.AddDays(300));
        await IssueAsync(new DeviceIdentity(DeviceIdentityKind.SubjectCn, "expiring-1"), TestData.Now, notAfter: TestData.Now.AddDays(10));
        await IssueAsync(new DeviceIdentity(DeviceIdentityKind.SubjectCn, "expired-1"), TestData.Now, notAfter: TestData.Now.AddDays(-1));
        string revoked = await IssueAsync(new DeviceIdentity(DeviceIdentityKind.SubjectCn, "revoked-1"), TestData.Now);
        await _stores.Devices.RevokeAsync(revoked, 1, TestData.Now, Event(AuditActions.CertificateRevoked), CancellationToken.None);
        await _stores.Devices.CreateAsync(NewDevice(new DeviceIdentity(DeviceIdentityKind.SubjectCn, "never-enrolled")), Event(AuditActions.DeviceCreated), CancellationToken.None);

        var items = await _stores.Devices.ListAsync(new DeviceQuery { Now = TestData.Now, State = state }, CancellationToken.None);

        if (state == DeviceState.Valid)
        {
            // Valid means "has a valid certificate": expiring ones are valid too.
            Assert.Equal(["valid-1", "expiring-1"], items.Select(i => i.Device.Identity.Key));
        }
        else
        {
            DeviceListItem item = Assert.Single(items);
            Assert.Equal(expected, item.Device.Identity.Key);
            Assert.Equal(state, item.State);
        }
    }

    [Fact]
    public async Task ListAsync_TextAndPaging_SearchesMetadataCaseInsensitively()
    {
        for (int i = 0; i < 5; i++)
        {
            await _stores.Devices.CreateAsync(NewDevice(new DeviceIdentity(DeviceIdentityKind.SubjectCn, $"mfd-{i}")) with { Location = i % 2 == 0 ? "Building A" : "Building B" },
                Event(AuditActions.DeviceCreated), CancellationToken.None);
        }

        var page = await _stores.Devices.ListAsync(new DeviceQuery { Now = TestData.Now, Text = "building a", Limit = 2, Offset = 1 }, CancellationToken.None);

        Assert.Equal(["mfd-2", "mfd-4"], page.Select(i => i.Device.Identity.Key));
    }

    [Fact]
    public async Task CreateAsync_IdentityTaken_ThrowsAndWritesNoAuditEvent()
    {
        await _stores.Devices.CreateAsync(NewDevice(Printer), Event(AuditActions.DeviceCreated), CancellationToken.None);

        await Assert.ThrowsAsync<DuplicateDeviceException>(() => _stores.Devices.CreateAsync(NewDevice(Printer), Event(AuditActions.DeviceCreated), CancellationToken.None));

        Assert.Equal(1, await _stores.Audit.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_DeviceWithCertificates_KeepsCertificatesUnlinkedAndAudits()
    {
        string serial = await IssueAsync(Printer, TestData.Now);
        Device device = (await _stores.Devices.FindByIdentityAsync(Printer, CancellationToken.None))!;

        bool deleted = await _stores.Devices.DeleteAsync(device.Id, Event(AuditActions.DeviceDeleted), CancellationToken.None);

        Assert.True(deleted);
        Assert.Null((await _stores.Certificates.FindBySerialAsync(serial, CancellationToken.None))!.DeviceId);
        StoredAuditEvent audit = Assert.Single(await _stores.Audit.ListAsync(new AuditQuery { Action = AuditActions.DeviceDeleted }, CancellationToken.None));
        Assert.Equal("device:" + device.Id, audit.Event.Target);
    }

    [Fact]
    public async Task ImportAsync_KnownAndNewIdentities_MergesNonEmptyFieldsAndCreatesTheRest()
    {
        await _stores.Devices.CreateAsync(NewDevice(Printer) with { Name = "Reception MFD", Location = "Lobby" }, Event(AuditActions.DeviceCreated), CancellationToken.None);

        DeviceImportResult result = await _stores.Devices.ImportAsync(
            [NewDevice(Printer) with { Model = "iR-ADV C5550" }, NewDevice(new DeviceIdentity(DeviceIdentityKind.MacAddress, "00:1a:2b:3c:4d:5e"))],
            Event(AuditActions.DevicesImported), CancellationToken.None);

        Assert.Equal(new DeviceImportResult(1, 1), result);
        Device merged = (await _stores.Devices.FindByIdentityAsync(Printer, CancellationToken.None))!;
        Assert.Equal(("Reception MFD", "Lobby", "iR-ADV C5550"), (merged.Name, merged.Location, merged.Model));
    }

    [Fact]
    public async Task RevokeAsync_WithAudit_MarksRevokedAndListsItForTheCrl()
    {
        string serial = await IssueAsync(Printer, TestData.Now);

        CertificateRecord? revoked = await _stores.Devices.RevokeAsync(serial, 1, TestData.Now, Event(AuditActions.CertificateRevoked) with { Target = serial }, CancellationToken.None);

        Assert.Equal(1, revoked?.RevocationReason);
        Assert.Contains(await _stores.Certificates.ListRevokedAsync(TestData.Now, CancellationToken.None), c => c.Serial == serial);
        Assert.Equal(serial, Assert.Single(await _stores.Audit.ListAsync(new AuditQuery { Action = AuditActions.CertificateRevoked }, CancellationToken.None)).Event.Target);
    }

    [Fact]
    public async Task ListCertificatesAsync_ExpiresWithinDaysAndText_FiltersTogether()
    {
        await IssueAsync(Printer, TestData.Now, notAfter: TestData.Now.AddDays(5));
        await IssueAsync(Printer, TestData.Now, notAfter: TestData.Now.AddDays(50));

        var soon = await _stores.Devices.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, ExpiresWithinDays = 7, Text = "ROUTER-17.example" }, CancellationToken.None);

        Assert.Equal(TestData.Now.AddDays(5).ToUniversalTime().Date, Assert.Single(soon).NotAfter.UtcDateTime.Date);
    }

    [Theory]
    [InlineData("ROUTER-17.EXAMPLE.NET", true)]
    [InlineData("ROUTER-17.EXAMPLE.NET", false)]
    [InlineData("192.0.2.17", true)]
    [InlineData("192.0.2.17", false)]
    [InlineData("o=exa", true)]
    [InlineData("17", true)]
    [InlineData("17", false)]
    public async Task ListCertificatesAsync_TextInSubjectOrSan_FoundIndexedOrNot(string text, bool indexed)
    {
        string serial = await IssueAsync(Printer, TestData.Now);
        if (indexed)
        {
            Assert.Equal(1, await _stores.Search.IndexPendingAsync(100, CancellationToken.None));
        }

        var found = await _stores.Devices.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = text }, CancellationToken.None);

        Assert.Equal(serial, Assert.Single(found).Serial);
    }

    [Fact]
    public async Task IndexPendingAsync_InBatches_IndexesOldestFirstUntilCaughtUpAndSearchFindsBothSides()
    {
        var serials = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            serials.Add(await IssueAsync(Printer, TestData.Now.AddMinutes(i)));
        }

        Assert.Equal(5, await _stores.Search.CountPendingAsync(CancellationToken.None));
        Assert.Equal(2, await _stores.Search.IndexPendingAsync(2, CancellationToken.None));
        Assert.Equal(3, await _stores.Search.CountPendingAsync(CancellationToken.None));

        // Two certificates are in the index and three are not: a search finds all five, and misses stay misses.
        var found = await _stores.Devices.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = "router-17.example" }, CancellationToken.None);
        Assert.Equal(serials.Order(), found.Select(c => c.Serial).Order());
        Assert.Empty(await _stores.Devices.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = "router-18.example" }, CancellationToken.None));

        Assert.Equal(2, await _stores.Search.IndexPendingAsync(2, CancellationToken.None));
        Assert.Equal(1, await _stores.Search.IndexPendingAsync(2, CancellationToken.None));
        Assert.Equal(0, await _stores.Search.IndexPendingAsync(2, CancellationToken.None));
        Assert.Equal(0, await _stores.Search.CountPendingAsync(CancellationToken.None));
        found = await _stores.Devices.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = serials[3][4..16] }, CancellationToken.None);
        Assert.Equal(serials[3], Assert.Single(found).Serial);
    }

    [Fact]
    public async Task ListCertificatesAsync_MiddleOfSerialAfterRevocation_FoundAndOtherTextNot()
    {
        string serial = await IssueAsync(Printer, TestData.Now);
        await _stores.Devices.RevokeAsync(serial, 1, TestData.Now, Event(AuditActions.CertificateRevoked) with { Target = serial }, CancellationToken.None);

        var found = await _stores.Devices.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = serial[5..20].ToUpperInvariant() }, CancellationToken.None);
        var missing = await _stores.Devices.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = "router-18" }, CancellationToken.None);

        Assert.Equal(serial, Assert.Single(found).Serial);
        Assert.Empty(missing);
    }

    [Fact]
    public async Task SaveIssuedAsync_PasswordUsedByAnotherTransaction_ThrowsAndWritesNothing()
    {
        long challengeId = await ChallengeAsync();
        var redemption = new ChallengeRedemption(challengeId, Event(AuditActions.ChallengeUsed));
        await _stores.Enrolments.SaveTransactionAsync(TestData.Transaction() with { Challenge = redemption }, CancellationToken.None);
        CertificateRecord certificate = TestData.Certificate();

        await Assert.ThrowsAsync<ChallengeAlreadyUsedException>(() =>
            _stores.Enrolments.SaveIssuedAsync(TestData.Transaction() with { Challenge = redemption, Device = Observation(Printer) }, certificate, CancellationToken.None));

        Assert.Null(await _stores.Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None));
        Assert.Null(await _stores.Devices.FindByIdentityAsync(Printer, CancellationToken.None));
        Assert.Single(await _stores.Audit.ListAsync(new AuditQuery { Action = AuditActions.ChallengeUsed }, CancellationToken.None));
    }

    [Fact]
    public async Task SaveIssuedAsync_PasswordUsedWhenThisTransactionWasQueued_IssuesWithoutAuditingTwice()
    {
        long challengeId = await ChallengeAsync();
        var redemption = new ChallengeRedemption(challengeId, Event(AuditActions.ChallengeUsed));
        EnrolmentTransaction pending = TestData.Transaction() with { Challenge = redemption };
        await _stores.Enrolments.SaveTransactionAsync(pending, CancellationToken.None);

        IssueOutcome outcome = await _stores.Enrolments.SaveIssuedAsync(pending with { Challenge = redemption }, TestData.Certificate(), CancellationToken.None);

        Assert.False(outcome.AlreadyIssued);
        OneTimeChallenge? stored = await _stores.Challenges.FindByPasswordHashAsync(new string('a', 64), CancellationToken.None);
        Assert.Equal(pending.TransactionId, stored?.ConsumedTransaction);
        Assert.Single(await _stores.Audit.ListAsync(new AuditQuery { Action = AuditActions.ChallengeUsed }, CancellationToken.None));
    }

    private async Task<long> ChallengeAsync()
    {
        var challenge = new OneTimeChallenge
        {
            PasswordSha256 = new string('a', 64),
            Profile = TestData.Profile,
            CreatedBy = "admin",
            CreatedAt = TestData.Now,
            ExpiresAt = TestData.Now.AddHours(1),
        };
        Assert.True(await _stores.Challenges.CreateAsync(challenge, 10, Event(AuditActions.ChallengeIssued), CancellationToken.None));
        return (await _stores.Challenges.FindByPasswordHashAsync(challenge.PasswordSha256, CancellationToken.None))!.Id;
    }

    private static DeviceObservation Observation(DeviceIdentity identity) =>
        new() { Identity = identity, Name = identity.Key, Profile = TestData.Profile, SeenAt = TestData.Now };

    private async Task<string> IssueAsync(DeviceIdentity identity, DateTimeOffset seenAt, DateTimeOffset? notAfter = null)
    {
        CertificateRecord certificate = TestData.Certificate(notAfter: notAfter);
        EnrolmentTransaction transaction = TestData.Transaction() with
        {
            Device = new DeviceObservation { Identity = identity, Name = identity.Key, Profile = TestData.Profile, SeenAt = seenAt },
        };
        await _stores.Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None);
        return certificate.Serial;
    }

    private static Device NewDevice(DeviceIdentity identity) => new() { Identity = identity, CreatedAt = TestData.Now, UpdatedAt = TestData.Now };

    private static AuditEvent Event(string action) => new() { Time = TestData.Now, Action = action, Outcome = AuditOutcome.Success, Actor = "admin" };
}

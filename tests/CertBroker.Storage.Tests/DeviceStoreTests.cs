using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;

namespace CertBroker.Storage.Tests;

/// <summary>IDeviceStore and ICertificateInventory behaviour every database must show, with their audit rows.</summary>
public abstract class DeviceStoreTests : StoreTestBase
{
    private static readonly DeviceIdentity Printer = new(DeviceIdentityKind.SerialNumber, "XK-2231");

    [Fact]
    public async Task FindByIdentityAsync_Created_ReturnsTheDeviceAndAuditsIt()
    {
        Device created = await Store.Devices.CreateAsync(NewDevice(Printer) with { Name = "Reception MFD" }, Event(AuditActions.DeviceCreated), CancellationToken.None);

        Device? found = await Store.Devices.FindByIdentityAsync(Printer, CancellationToken.None);

        Assert.Equal(created.Id, found!.Id);
        Assert.Equal("Reception MFD", found.Name);
        Assert.Single(await Store.Audit.ListAsync(new AuditQuery { Action = AuditActions.DeviceCreated }, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesItOnce()
    {
        Device created = await Store.Devices.CreateAsync(NewDevice(Printer), Event(AuditActions.DeviceCreated), CancellationToken.None);

        Assert.True(await Store.Devices.DeleteAsync(created.Id, Event(AuditActions.DeviceDeleted), CancellationToken.None));
        Assert.False(await Store.Devices.DeleteAsync(created.Id, Event(AuditActions.DeviceDeleted), CancellationToken.None));
        Assert.Null(await Store.Devices.FindAsync(created.Id, CancellationToken.None));
    }

    [Fact]
    public async Task SaveIssuedAsync_WithDevice_CreatesDeviceOnceAndLinksEveryCertificate()
    {
        await IssueAsync(Printer, TestData.Now);
        await IssueAsync(Printer, TestData.Now.AddDays(1));

        Device device = (await Store.Devices.FindByIdentityAsync(Printer, CancellationToken.None))!;
        IReadOnlyList<CertificateRecord> history = await Store.Devices.ListCertificatesAsync(device.Id, CancellationToken.None);
        Assert.Equal(2, history.Count);
        Assert.All(history, c => Assert.Equal(device.Id, c.DeviceId));
        Assert.Equal(TestData.Now.AddDays(1), device.LastSeen);
        Assert.Equal(TestData.Now.ToUniversalTime().AddTicks(-(TestData.Now.Ticks % 10)), device.FirstSeen);
    }

    [Fact]
    public async Task SaveIssuedAsync_AdminNamedTheDevice_EnrolmentKeepsTheAdminsValues()
    {
        Device added = await Store.Devices.CreateAsync(NewDevice(Printer) with { Name = "Reception MFD", IpAddress = "10.0.0.5" }, Event(AuditActions.DeviceCreated), CancellationToken.None);

        await IssueAsync(Printer, TestData.Now);

        Device after = (await Store.Devices.FindAsync(added.Id, CancellationToken.None))!;
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
        await Store.Inventory.RevokeAsync(revoked, 1, TestData.Now, Event(AuditActions.CertificateRevoked), CancellationToken.None);
        await Store.Devices.CreateAsync(NewDevice(new DeviceIdentity(DeviceIdentityKind.SubjectCn, "never-enrolled")), Event(AuditActions.DeviceCreated), CancellationToken.None);

        var items = await Store.Devices.ListAsync(new DeviceQuery { Now = TestData.Now, State = state }, CancellationToken.None);

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
            await Store.Devices.CreateAsync(NewDevice(new DeviceIdentity(DeviceIdentityKind.SubjectCn, $"mfd-{i}")) with { Location = i % 2 == 0 ? "Building A" : "Building B" },
                Event(AuditActions.DeviceCreated), CancellationToken.None);
        }

        var page = await Store.Devices.ListAsync(new DeviceQuery { Now = TestData.Now, Text = "building a", Limit = 2, Offset = 1 }, CancellationToken.None);

        Assert.Equal(["mfd-2", "mfd-4"], page.Select(i => i.Device.Identity.Key));
    }

    [Fact]
    public async Task CreateAsync_IdentityTaken_ThrowsAndWritesNoAuditEvent()
    {
        await Store.Devices.CreateAsync(NewDevice(Printer), Event(AuditActions.DeviceCreated), CancellationToken.None);

        await Assert.ThrowsAsync<DuplicateDeviceException>(() => Store.Devices.CreateAsync(NewDevice(Printer), Event(AuditActions.DeviceCreated), CancellationToken.None));

        Assert.Equal(1, await Store.Audit.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_DeviceWithCertificates_KeepsCertificatesUnlinkedAndAudits()
    {
        string serial = await IssueAsync(Printer, TestData.Now);
        Device device = (await Store.Devices.FindByIdentityAsync(Printer, CancellationToken.None))!;

        bool deleted = await Store.Devices.DeleteAsync(device.Id, Event(AuditActions.DeviceDeleted), CancellationToken.None);

        Assert.True(deleted);
        Assert.Null((await Certificates.FindBySerialAsync(serial, CancellationToken.None))!.DeviceId);
        StoredAuditEvent audit = Assert.Single(await Store.Audit.ListAsync(new AuditQuery { Action = AuditActions.DeviceDeleted }, CancellationToken.None));
        Assert.Equal("device:" + device.Id, audit.Event.Target);
    }

    [Fact]
    public async Task ImportAsync_KnownAndNewIdentities_MergesNonEmptyFieldsAndCreatesTheRest()
    {
        await Store.Devices.CreateAsync(NewDevice(Printer) with { Name = "Reception MFD", Location = "Lobby" }, Event(AuditActions.DeviceCreated), CancellationToken.None);

        DeviceImportResult result = await Store.Devices.ImportAsync(
            [NewDevice(Printer) with { Model = "iR-ADV C5550" }, NewDevice(new DeviceIdentity(DeviceIdentityKind.MacAddress, "00:1a:2b:3c:4d:5e"))],
            Event(AuditActions.DevicesImported), CancellationToken.None);

        Assert.Equal(new DeviceImportResult(1, 1), result);
        Device merged = (await Store.Devices.FindByIdentityAsync(Printer, CancellationToken.None))!;
        Assert.Equal(("Reception MFD", "Lobby", "iR-ADV C5550"), (merged.Name, merged.Location, merged.Model));
    }

    [Fact]
    public async Task RevokeAsync_WithAudit_MarksRevokedAndListsItForTheCrl()
    {
        string serial = await IssueAsync(Printer, TestData.Now);

        CertificateRecord? revoked = await Store.Inventory.RevokeAsync(serial, 1, TestData.Now, Event(AuditActions.CertificateRevoked) with { Target = serial }, CancellationToken.None);

        Assert.Equal(1, revoked?.RevocationReason);
        Assert.Contains(await Certificates.ListRevokedAsync(TestData.Now, CancellationToken.None), c => c.Serial == serial);
        Assert.Equal(serial, Assert.Single(await Store.Audit.ListAsync(new AuditQuery { Action = AuditActions.CertificateRevoked }, CancellationToken.None)).Event.Target);
    }

    [Fact]
    public async Task ListCertificatesAsync_ExpiresWithinDaysAndText_FiltersTogether()
    {
        await IssueAsync(Printer, TestData.Now, notAfter: TestData.Now.AddDays(5));
        await IssueAsync(Printer, TestData.Now, notAfter: TestData.Now.AddDays(50));

        var soon = await Store.Inventory.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, ExpiresWithinDays = 7, Text = "ROUTER-17.example" }, CancellationToken.None);

        Assert.Equal(TestData.Now.AddDays(5).ToUniversalTime().Date, Assert.Single(soon).NotAfter.UtcDateTime.Date);
    }

    private async Task<string> IssueAsync(DeviceIdentity identity, DateTimeOffset seenAt, DateTimeOffset? notAfter = null)
    {
        CertificateRecord certificate = TestData.Certificate(notAfter: notAfter);
        EnrolmentTransaction transaction = TestData.Transaction() with
        {
            Device = new DeviceObservation { Identity = identity, Name = identity.Key, Profile = TestData.Profile, SeenAt = seenAt },
        };
        await Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None);
        return certificate.Serial;
    }

    private static Device NewDevice(DeviceIdentity identity) => new() { Identity = identity, CreatedAt = TestData.Now, UpdatedAt = TestData.Now };

    private static AuditEvent Event(string action) => new() { Time = TestData.Now, Action = action, Outcome = AuditOutcome.Success, Actor = "admin" };
}

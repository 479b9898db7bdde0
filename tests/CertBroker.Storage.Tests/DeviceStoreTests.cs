using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;

namespace CertBroker.Storage.Tests;

/// <summary>IDeviceStore behaviour every database must show.</summary>
public abstract class DeviceStoreTests : StoreTestBase
{
    private static readonly DeviceIdentity Printer = new(DeviceIdentityKind.SubjectCn, "printer-1");

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
    public async Task CreateAsync_IdentityTaken_ThrowsDuplicateDevice()
    {
        await Store.Devices.CreateAsync(NewDevice(Printer), Event(AuditActions.DeviceCreated), CancellationToken.None);

        await Assert.ThrowsAsync<DuplicateDeviceException>(() =>
            Store.Devices.CreateAsync(NewDevice(Printer), Event(AuditActions.DeviceCreated), CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesItOnce()
    {
        Device created = await Store.Devices.CreateAsync(NewDevice(Printer), Event(AuditActions.DeviceCreated), CancellationToken.None);

        Assert.True(await Store.Devices.DeleteAsync(created.Id, Event(AuditActions.DeviceDeleted), CancellationToken.None));
        Assert.False(await Store.Devices.DeleteAsync(created.Id, Event(AuditActions.DeviceDeleted), CancellationToken.None));
        Assert.Null(await Store.Devices.FindAsync(created.Id, CancellationToken.None));
    }

    private static Device NewDevice(DeviceIdentity identity) => new() { Identity = identity, CreatedAt = TestData.Now, UpdatedAt = TestData.Now };

    private static AuditEvent Event(string action) => new() { Time = TestData.Now, Action = action, Outcome = AuditOutcome.Success, Actor = "admin" };
}

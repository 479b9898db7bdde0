using CertBroker.Core.Inventory;
using CertBroker.Core.Model;
using CertBroker.Core.Profiles;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;
using Device = CertBroker.Core.Tests.Support.Device;
using InventoryDevice = CertBroker.Core.Inventory.Device;

namespace CertBroker.Core.Tests.Inventory;

/// <summary>Every issued certificate creates or updates its device, matched by the profile's identity rule.</summary>
public sealed class DeviceEnrolmentTests(CaFixture ca) : IClassFixture<CaFixture>
{
    [Fact]
    public async Task PkcsReq_MfdWithSerialNumberInSubject_CreatesDeviceKeyedBySerialAndLinksCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=printer-1, OID.2.5.4.5=XK-2231, OID.1.2.840.113549.1.9.8=00-1A-2B-3C-4D-5E", ScepHarness.Challenge));

        var issued = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];

        InventoryDevice stored = Assert.IsType<InventoryDevice>(await scep.Stores.Devices.FindByIdentityAsync(new DeviceIdentity(DeviceIdentityKind.SerialNumber, "XK-2231"), CancellationToken.None));
        Assert.Equal("printer-1", stored.Name);
        Assert.Equal("00:1a:2b:3c:4d:5e", stored.MacAddress);
        Assert.Equal("192.0.2.10", stored.IpAddress);
        Assert.Equal(scep.Time.GetUtcNow(), stored.FirstSeen);
        Assert.Equal(BrokerOptions.DefaultProfileName, stored.LastProfile);
        var history = await scep.Stores.Devices.ListCertificatesAsync(stored.Id, CancellationToken.None);
        Assert.Equal(issued.SerialNumber.TrimStart('0').ToLowerInvariant(), Assert.Single(history).Serial.TrimStart('0'));
    }

    [Fact]
    public async Task PkcsReq_SameDeviceEnrolsAgain_UpdatesLastSeenOfTheSameRecord()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var first = new Device(0);
        using var second = new Device(1);
        ClientMessage one = scep.Client.PkcsReq(first, first.Csr("CN=printer-1", ScepHarness.Challenge));
        ReplyAssert.Success(one, await scep.SendAsync(one), scep.Ra);
        DateTimeOffset firstSeen = scep.Time.GetUtcNow();
        scep.Time.Advance(TimeSpan.FromDays(1));

        ClientMessage two = scep.Client.PkcsReq(second, second.Csr("CN=PRINTER-1", ScepHarness.Challenge));
        ReplyAssert.Success(two, await scep.SendAsync(two), scep.Ra);

        IReadOnlyList<DeviceListItem> devices = await scep.Stores.Devices.ListAsync(new DeviceQuery { Now = scep.Time.GetUtcNow() }, CancellationToken.None);
        DeviceListItem only = Assert.Single(devices);
        Assert.Equal(new DeviceIdentity(DeviceIdentityKind.SubjectCn, "printer-1"), only.Device.Identity);
        Assert.Equal(firstSeen, only.Device.FirstSeen);
        Assert.Equal(scep.Time.GetUtcNow(), only.Device.LastSeen);
        Assert.Equal(DeviceState.Valid, only.State);
        Assert.Equal(2, (await scep.Stores.Devices.ListCertificatesAsync(only.Device.Id, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task FindAsync_ProfileIdentityRule_FindsTheDeviceAPendingCsrBelongsTo()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.DeviceIdentity = DeviceIdentitySource.MacAddress);
        using var device = new Device(0);
        byte[] csr = device.Csr("CN=printer-1, OID.2.5.4.5=XK-2231, OID.1.2.840.113549.1.9.2=001a.2b3c.4d5e", ScepHarness.Challenge);
        ClientMessage request = scep.Client.PkcsReq(device, csr);
        ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);

        var matcher = new DeviceMatcher(scep.Stores.Devices, new ProfileCatalog(Microsoft.Extensions.Options.Options.Create(new BrokerOptions
        {
            Profiles = { [scep.Profile.Name] = scep.Profile.Options },
        })));

        InventoryDevice? found = await matcher.FindAsync(scep.Profile, CertificationRequest.Parse(csr), CancellationToken.None);
        long? foundId = await matcher.FindDeviceAsync(scep.Profile.Name, CertificationRequest.Parse(csr), CancellationToken.None);

        Assert.Equal(new DeviceIdentity(DeviceIdentityKind.MacAddress, "00:1a:2b:3c:4d:5e"), found?.Identity);
        Assert.Equal(found?.Id, foundId);
    }
}

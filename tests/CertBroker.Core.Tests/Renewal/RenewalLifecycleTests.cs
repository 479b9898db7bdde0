using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Inventory;
using Device = CertBroker.Core.Tests.Support.Device;
using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Tests.Renewal;

/// <summary>
/// Renewal scheduling through the SCEP pipeline on the real store and a fake clock: the due time written at issue,
/// a due renewal that skips the approval queue and supersedes its predecessor, and a device that missed its due
/// time shown overdue with the reason its last renewal failed.
/// </summary>
public sealed class RenewalLifecycleTests(CaFixture ca) : IClassFixture<CaFixture>
{
    private const string Subject = "CN=badge-reader-4,O=Acme";

    [Fact]
    public async Task PkcsReq_Issued_StoresARenewalDueTimeAtEightyPercentOfTheLifetimeWithinTheJitter()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);

        CertificateRecord issued = await RecordOfAsync(scep, await EnrolAsync(scep, device));

        TimeSpan lifetime = issued.NotAfter - issued.NotBefore;
        DateTimeOffset nominal = issued.NotBefore + (lifetime * 0.8);
        Assert.Equal(RenewalState.Valid, issued.RenewalState);
        Assert.InRange(issued.RenewalDueAt!.Value, nominal - (lifetime * 0.02), nominal + (lifetime * 0.02));
    }

    [Fact]
    public async Task RenewalReq_WhileDueOnAManualProfile_IsIssuedWithoutTheQueueAndSupersedesTheOldCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        CertificateRecord current = await RecordOfAsync(scep, await EnrolAsync(scep, device));
        scep.Time.Advance(current.RenewalDueAt!.Value - scep.Time.GetUtcNow() + TimeSpan.FromHours(1));
        await Sweep(scep).SweepAsync(CancellationToken.None);
        Assert.Equal(RenewalState.Due, (await RecordOfAsync(scep, current.Serial)).RenewalState);
        ScepProfile manual = ScepHarness.NewProfile(BrokerOptions.DefaultProfileName, p => p.Approval = ApprovalMode.Manual);
        using var rekeyed = new Device(1);

        ClientMessage renewal = scep.Client.RenewalReq(X509CertificateLoader.LoadCertificate(current.Der), device.Key, rekeyed.Csr(Subject), rekeyed.TransactionId);
        X509Certificate2 renewed = ReplyAssert.Success(renewal, await scep.SendAsync(renewal, manual), scep.Ra).Certificates[0];

        CertificateRecord old = await RecordOfAsync(scep, current.Serial);
        string newSerial = CertificateRecords.SerialHex(renewed.SerialNumberBytes.Span);
        Assert.Equal((RenewalState.Superseded, newSerial), (old.RenewalState, old.SupersededBy));
        Assert.Equal(RenewalState.Valid, (await RecordOfAsync(scep, newSerial)).RenewalState);
    }

    [Fact]
    public async Task ListAsync_DeviceWhoseRenewalWasRefusedAndThatPassedItsDueTime_ShowsOverdueWithTheLastFailure()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        CertificateRecord current = await RecordOfAsync(scep, await EnrolAsync(scep, device));
        scep.Time.Advance(current.RenewalDueAt!.Value - scep.Time.GetUtcNow() + TimeSpan.FromHours(1));
        using var rekeyed = new Device(1);
        ClientMessage wrongSubject = scep.Client.RenewalReq(
            X509CertificateLoader.LoadCertificate(current.Der), device.Key, rekeyed.Csr("CN=someone-else,O=Acme"), rekeyed.TransactionId);
        ReplyAssert.Failure(wrongSubject, await scep.SendAsync(wrongSubject), FailInfo.BadRequest, scep.Ra);

        scep.Time.Advance(TimeSpan.FromHours(72));
        await Sweep(scep).SweepAsync(CancellationToken.None);

        DeviceListItem item = Assert.Single(await scep.Stores.Devices.ListAsync(new DeviceQuery { Now = scep.Time.GetUtcNow() }, CancellationToken.None));
        Assert.Equal(current.Serial, item.CertificateSerial);
        Assert.Equal(RenewalState.Overdue, item.Renewal!.State);
        Assert.StartsWith("refused: The names asked for differ", item.Renewal.LastResult, StringComparison.Ordinal);
        Assert.Equal(scep.Time.GetUtcNow() - TimeSpan.FromHours(72), item.Renewal.LastAttemptAt);
    }

    private static RenewalSweep Sweep(ScepHarness scep) => new(
        scep.Stores.Renewal,
        new ProfileCatalog(Options.Create(new BrokerOptions())),
        Options.Create(new ScheduleOptions()),
        scep.Time,
        scep.Audit,
        NullRenewalNotifier.Instance);

    private static async Task<X509Certificate2> EnrolAsync(ScepHarness scep, Device device)
    {
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge));
        return ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];
    }

    private static Task<CertificateRecord> RecordOfAsync(ScepHarness scep, X509Certificate2 certificate) =>
        RecordOfAsync(scep, CertificateRecords.SerialHex(certificate.SerialNumberBytes.Span));

    private static async Task<CertificateRecord> RecordOfAsync(ScepHarness scep, string serial) =>
        (await scep.Stores.Certificates.FindBySerialAsync(serial, CancellationToken.None))!;
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Audit;
using CertBroker.Core.Enrolment;
using CertificateImporter = CertBroker.Core.Inventory.CertificateImporter;
using CertBroker.Core.Policy;
using CertBroker.Core.Model;
using CertBroker.Core.Profiles;
using CertBroker.Core.Storage;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;
using CertBroker.Scep.Cms;
using Microsoft.Extensions.Logging.Abstractions;

namespace CertBroker.Core.Tests.Policy;

/// <summary>The policy in the enrolment pipeline: Enforce refuses with the right failInfo, Flag issues and records.</summary>
public sealed class WeakCryptoEnrolmentTests(CaFixture ca) : IClassFixture<CaFixture>
{
    private const string Subject = "CN=printer-9,O=Acme";

    [Fact]
    public async Task PkcsReq_Enforce1024BitKey_FailsBadRequestAndAuditsRule()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.WeakCrypto = WeakCryptoMode.Enforce);
        using var device = new Device(RSA.Create(1024));
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge));

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadRequest, scep.Ra);

        Assert.Equal(0, await scep.CountCertificatesAsync());
        AuditEvent rejected = Assert.Single(scep.Forwarded.Events, e => e.Action == AuditActions.EnrolmentRejected);
        Assert.Contains("WC-RSA-01", rejected.Details);
        Assert.Equal("badRequest", (await scep.Stores.Enrolments.FindTransactionAsync("default", device.TransactionId, CancellationToken.None))!.FailInfo);
    }

    [Fact]
    public async Task PkcsReq_EnforceDesEnvelope_FailsBadAlg()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.WeakCrypto = WeakCryptoMode.Enforce);
        using var device = new Device(1);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge), cipher: ContentEncryptionAlgorithm.DesCbc);

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadAlg, scep.Ra);

        Assert.Contains("WC-CMS-01", Assert.Single(scep.Forwarded.Events, e => e.Action == AuditActions.EnrolmentRejected).Details);
    }

    [Fact]
    public async Task PkcsReq_EnforceMd5SignedCsr_FailsBadAlg()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.WeakCrypto = WeakCryptoMode.Enforce);
        using var device = new Device(2);
        ClientMessage request = scep.Client.PkcsReq(device, PolicyKeys.Csr(device.Key, Subject, "MD5WITHRSA", ScepHarness.Challenge));

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadAlg, scep.Ra);
    }

    [Fact]
    public async Task PkcsReq_EnforceTripleDes_IssuesWithWarning()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.WeakCrypto = WeakCryptoMode.Enforce);
        using var device = new Device(RSA.Create(3072));
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge), cipher: ContentEncryptionAlgorithm.DesEde3Cbc);

        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Success(request, result, scep.Ra);
        CertificateRecord stored = (await scep.Stores.Certificates.FindBySerialAsync(result.CertificateSerial!, CancellationToken.None))!;
        Finding finding = Assert.Single(stored.Findings!);
        Assert.Equal(("WC-CMS-02", FindingSeverity.Warn), (finding.RuleId, finding.Severity));
    }

    [Fact]
    public async Task PkcsReq_Flag1024BitKey_IssuesAndStoresFindings()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(RSA.Create(1024));
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge), digest: HashAlgorithmName.SHA1);

        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Success(request, result, scep.Ra);
        CertificateRecord stored = (await scep.Stores.Certificates.FindBySerialAsync(result.CertificateSerial!, CancellationToken.None))!;
        Assert.Equal(["WC-RSA-01", "WC-CMS-03"], stored.Findings!.Select(f => f.RuleId));
        Assert.Equal("RSA key 1024 bits < 2048", stored.Findings![0].Message);
        Assert.Equal(("1024 bits", ">= 2048 bits"), (stored.Findings[0].Observed, stored.Findings[0].Threshold));
    }

    [Fact]
    public async Task PkcsReq_ModeOff_RecordsNothing()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.WeakCrypto = WeakCryptoMode.Off);
        using var device = new Device(RSA.Create(1024));
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge), cipher: ContentEncryptionAlgorithm.DesCbc);

        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Success(request, result, scep.Ra);
        Assert.Empty((await scep.Stores.Certificates.FindBySerialAsync(result.CertificateSerial!, CancellationToken.None))!.Findings!);
    }

    [Fact]
    public async Task PkcsReq_KeyAlreadyHeldByAnotherDevice_FlagsSharedKey()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var first = new Device(3);
        ClientMessage firstRequest = scep.Client.PkcsReq(first, first.Csr("CN=printer-1,O=Acme", ScepHarness.Challenge));
        ScepResult firstResult = await scep.SendAsync(firstRequest);
        ClientMessage secondRequest = scep.Client.PkcsReq(first, first.Csr("CN=printer-2,O=Acme", ScepHarness.Challenge), transactionId: "second-device");

        ScepResult second = await scep.SendAsync(secondRequest);

        ReplyAssert.Success(secondRequest, second, scep.Ra);
        CertificateRecord stored = (await scep.Stores.Certificates.FindBySerialAsync(second.CertificateSerial!, CancellationToken.None))!;
        Finding shared = Assert.Single(stored.Findings!, f => f.RuleId == "WC-KEY-04");
        Assert.Contains(firstResult.CertificateSerial!, shared.Message);
    }

    [Fact]
    public async Task RunAsync_InventoryIssuedBeforeStricterPolicy_FindsAndRemembersSettings()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(4);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge));
        ScepResult issued = await scep.SendAsync(request);
        var stricter = new WeakCryptoPolicy(new WeakCryptoOptions { MinimumRsaBits = 3072, RecommendedRsaBits = 3072 }, KeyBlocklist.Empty);
        var rescan = new PolicyRescan(scep.Stores.Policy, stricter, scep.Catalog, scep.Time, NullLogger<PolicyRescan>.Instance, scep.Audit);

        RescanSummary? summary = await rescan.RunIfPolicyChangedAsync(CancellationToken.None);

        Assert.Equal(new RescanSummary(1, 1, true), summary);
        CertificateRecord stored = (await scep.Stores.Certificates.FindBySerialAsync(issued.CertificateSerial!, CancellationToken.None))!;
        Assert.Equal("RSA key 2048 bits < 3072", Assert.Single(stored.Findings!).Message);
        Assert.Contains(scep.Forwarded.Events, e => e.Action == AuditActions.PolicyRescanned);
        Assert.Null(await rescan.RunIfPolicyChangedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RunIfPolicyChangedAsync_EmptyInventory_RemembersSettingsWithoutAuditEvent()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        var rescan = new PolicyRescan(scep.Stores.Policy, scep.Policy, scep.Catalog, scep.Time, NullLogger<PolicyRescan>.Instance, scep.Audit);

        Assert.Equal(new RescanSummary(0, 0, true), await rescan.RunIfPolicyChangedAsync(CancellationToken.None));

        Assert.Null(await rescan.RunIfPolicyChangedAsync(CancellationToken.None));
        Assert.DoesNotContain(scep.Forwarded.Events, e => e.Action == AuditActions.PolicyRescanned);
    }

    [Fact]
    public async Task ImportAsync_SelfSignedCertificatesWithTheSameSerial_BothKeptAndReimportChangesNothing()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        var importer = new CertificateImporter(scep.Stores.Policy, scep.Policy, scep.Time, scep.Audit);
        using RSA first = RSA.Create(2048);
        using RSA second = RSA.Create(1024);
        using X509Certificate2 a = PolicyKeys.Certificate(first, "CN=cam-1", "CN=cam-1", "SHA256WITHRSA");
        using X509Certificate2 b = PolicyKeys.Certificate(second, "CN=cam-2", "CN=cam-2", "SHA256WITHRSA");
        var who = new AuditEvent { Time = scep.Time.GetUtcNow(), Action = "", Outcome = AuditOutcome.Success, Actor = "admin" };

        IReadOnlyList<ImportOutcome> imported = await importer.ImportAsync([a.RawData, b.RawData], scep.Profile, [], who, CancellationToken.None);
        IReadOnlyList<ImportOutcome> again = await importer.ImportAsync([b.RawData], scep.Profile, [], who, CancellationToken.None);

        // Both carry serial 7: the second is stored under a name qualified by its thumbprint.
        Assert.Equal("07", imported[0].Certificate.Serial);
        Assert.StartsWith("07:", imported[1].Certificate.Serial, StringComparison.Ordinal);
        Assert.Equal(CertificateSource.Imported, imported[1].Certificate.Source);
        Assert.Contains(imported[1].Certificate.Findings!, f => f.RuleId == "WC-RSA-01");
        Assert.True(Assert.Single(again).AlreadyPresent);
        Assert.Equal(imported[1].Certificate.Serial, again[0].Certificate.Serial);
        Assert.Equal(2, scep.Forwarded.Events.Count(e => e.Action == AuditActions.CertificateImported));
    }
}

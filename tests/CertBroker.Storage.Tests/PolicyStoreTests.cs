using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Policy;
using CertBroker.Core.Reports;

namespace CertBroker.Storage.Tests;

/// <summary>
/// IPolicyStore behaviour every database must show: re-scan pages, findings as the expiry report shows them, the
/// settings hash and certificate imports.
/// </summary>
public abstract class PolicyStoreTests : StoreTestBase
{
    private static readonly Finding WeakKey = new("WC-KEY-01", FindingSeverity.Fail, "1024", "2048", "RSA key of 1024 bits, below 2048.");

    private static readonly Finding SharedKey = new("WC-KEY-04", FindingSeverity.Fail, "2", "1", "Key shared by 2 certificates.");

    private static readonly Finding Sha1 = new("WC-SIG-01", FindingSeverity.Warn, "sha1RSA", null, "Signed with SHA-1.");

    [Fact]
    public async Task ListCertificatesAsync_AfterAnId_PagesThroughTheInventoryInIdOrder()
    {
        var issued = new List<CertificateRecord>();
        for (int i = 0; i < 3; i++)
        {
            issued.Add((await IssueAsync()).Certificate);
        }

        IReadOnlyList<InventoryCertificate> first = await Store.Policy.ListCertificatesAsync(0, 2, CancellationToken.None);
        IReadOnlyList<InventoryCertificate> rest = await Store.Policy.ListCertificatesAsync(first[^1].Id, 2, CancellationToken.None);

        Assert.Equal(issued.Select(c => c.Serial), first.Concat(rest).Select(c => c.Serial));
        Assert.Equal(issued[0].Der, first[0].Der);
        Assert.Equal(TestData.Profile, first[0].Profile);
        Assert.True(first[0].Id < first[1].Id);
        Assert.Empty(await Store.Policy.ListCertificatesAsync(rest[^1].Id, 2, CancellationToken.None));
    }

    [Fact]
    public async Task ReplaceFindingsAsync_WithARuleToKeep_ReplacesTheOtherFindingsAndKeepsThatRule()
    {
        long id = await IdOfAsync((await IssueAsync()).Certificate.Serial);
        await Store.Policy.ReplaceFindingsAsync([new CertificateFindings(id, [WeakKey, SharedKey])], null, TestData.Now, CancellationToken.None);

        await Store.Policy.ReplaceFindingsAsync([new CertificateFindings(id, [Sha1])], SharedKey.RuleId, TestData.Now, CancellationToken.None);

        Assert.Equal(["WC-KEY-04", "WC-SIG-01"], (await SingleRowAsync()).Findings);
        InventoryStatistics statistics = await StatisticsAsync();
        Assert.Equal([("WC-KEY-04", "fail", 1L), ("WC-SIG-01", "warn", 1L)], statistics.FindingsByRule);
    }

    [Fact]
    public async Task ReplaceFindingsAsync_NoFindingsAnyMore_ClearsThem()
    {
        long id = await IdOfAsync((await IssueAsync()).Certificate.Serial);
        await Store.Policy.ReplaceFindingsAsync([new CertificateFindings(id, [WeakKey])], null, TestData.Now, CancellationToken.None);

        await Store.Policy.ReplaceFindingsAsync([new CertificateFindings(id, [])], null, TestData.Now, CancellationToken.None);

        Assert.Empty((await SingleRowAsync()).Findings);
    }

    [Fact]
    public async Task ReplaceRuleFindingsAsync_NewSet_IsTheOnlyOneForThatRuleAndOtherRulesStay()
    {
        long first = await IdOfAsync((await IssueAsync()).Certificate.Serial);
        long second = await IdOfAsync((await IssueAsync()).Certificate.Serial);
        await Store.Policy.ReplaceFindingsAsync(
            [new CertificateFindings(first, [WeakKey, SharedKey]), new CertificateFindings(second, [SharedKey])], null, TestData.Now, CancellationToken.None);

        await Store.Policy.ReplaceRuleFindingsAsync(SharedKey.RuleId, [new CertificateFindings(second, [SharedKey])], TestData.Now, CancellationToken.None);

        Assert.Equal([("WC-KEY-01", "fail", 1L), ("WC-KEY-04", "fail", 1L)], (await StatisticsAsync()).FindingsByRule);
        ExpiryReportRow[] rows = await ReportAsync();
        Assert.Equal([["WC-KEY-01"], ["WC-KEY-04"]], rows.Select(r => r.Findings.ToArray()));
    }

    [Fact]
    public async Task GetPolicyHashAsync_BeforeAndAfterEachCheck_ReturnsNullThenTheLatestHash()
    {
        Assert.Null(await Store.Policy.GetPolicyHashAsync(CancellationToken.None));

        await Store.Policy.SetPolicyHashAsync("first", TestData.Now, Event(AuditActions.PolicyRescanned), CancellationToken.None);
        await Store.Policy.SetPolicyHashAsync("second", TestData.Now.AddHours(1), null, CancellationToken.None);

        Assert.Equal("second", await Store.Policy.GetPolicyHashAsync(CancellationToken.None));
        Assert.Equal(1, await Store.Audit.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ImportAsync_SameCertificateTwice_StoresItOnceWithItsDeviceAndFindings()
    {
        CertificateRecord certificate = TestData.Certificate() with { Findings = [WeakKey] };
        var device = new DeviceObservation
        {
            Identity = new DeviceIdentity(DeviceIdentityKind.SubjectCn, "router-17"), Name = "router-17", Profile = TestData.Profile, SeenAt = TestData.Now,
        };

        ImportOutcome first = await Store.Policy.ImportAsync(certificate, device, Event(AuditActions.CertificateImported), CancellationToken.None);
        ImportOutcome again = await Store.Policy.ImportAsync(certificate, device, Event(AuditActions.CertificateImported), CancellationToken.None);

        Assert.False(first.AlreadyPresent);
        Assert.True(again.AlreadyPresent);
        Assert.Equal(first.Certificate.Serial, again.Certificate.Serial);
        Assert.Equal(CertificateSource.Imported, first.Certificate.Source);
        ExpiryReportRow row = await SingleRowAsync();
        Assert.Equal((certificate.Serial, "router-17"), (row.Serial, row.Device));
        Assert.Equal(["WC-KEY-01"], row.Findings);
        StoredAuditEvent audit = Assert.Single(await Store.Audit.ListAsync(new AuditQuery { Action = AuditActions.CertificateImported }, CancellationToken.None));
        Assert.Equal(certificate.Serial, audit.Event.Target);
    }

    [Fact]
    public async Task ImportAsync_SerialOfAnotherIssuersCertificate_StoresItBesideUnderAQualifiedSerial()
    {
        CertificateRecord ours = (await IssueAsync()).Certificate;
        CertificateRecord theirs = TestData.Certificate(serial: ours.Serial) with { Issuer = "CN=Other CA" };

        ImportOutcome imported = await Store.Policy.ImportAsync(theirs, null, Event(AuditActions.CertificateImported), CancellationToken.None);

        Assert.False(imported.AlreadyPresent);
        Assert.Equal($"{ours.Serial}:{theirs.ThumbprintSha256[..16]}", imported.Certificate.Serial);
        Assert.Equal(ours.ThumbprintSha256, (await Certificates.FindBySerialAsync(ours.Serial, CancellationToken.None))!.ThumbprintSha256);
        Assert.Equal(2, (await ReportAsync()).Length);
    }

    private async Task<long> IdOfAsync(string serial) =>
        (await Store.Policy.ListCertificatesAsync(0, 1000, CancellationToken.None)).Single(c => c.Serial == serial).Id;

    private async Task<ExpiryReportRow[]> ReportAsync() =>
        await Store.Reports.ReadExpiryReportAsync(new ExpiryReportQuery { Now = TestData.Now, ExpiringWithin = TimeSpan.FromDays(30) }, CancellationToken.None).ToArrayAsync();

    private async Task<ExpiryReportRow> SingleRowAsync() => Assert.Single(await ReportAsync());

    private Task<InventoryStatistics> StatisticsAsync() =>
        Store.Reports.ReadStatisticsAsync(TestData.Now, TimeSpan.FromDays(30), [30], CancellationToken.None);

    private static AuditEvent Event(string action) => new() { Time = TestData.Now, Action = action, Outcome = AuditOutcome.Success, Actor = "admin" };
}

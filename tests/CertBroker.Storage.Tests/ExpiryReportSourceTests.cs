using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;
using CertBroker.Core.Reports;

namespace CertBroker.Storage.Tests;

/// <summary>
/// IExpiryReportSource behaviour every database must show, over one inventory with a certificate in every state:
/// the report's filters and order, the monitoring window and the statistics.
/// </summary>
public abstract class ExpiryReportSourceTests : StoreTestBase
{
    private static readonly DateTimeOffset Now = TestData.Now;

    private static readonly TimeSpan ExpiringWithin = TimeSpan.FromDays(30);

    private readonly Dictionary<string, string> _serials = [];

    [Theory]
    [InlineData(ExpiryState.Valid, new[] { "valid", "renewal", "vpn" })]
    [InlineData(ExpiryState.RenewalDue, new[] { "due" })]
    [InlineData(ExpiryState.Expiring, new[] { "expiring" })]
    [InlineData(ExpiryState.Expired, new[] { "expired" })]
    [InlineData(ExpiryState.Revoked, new[] { "revoked" })]
    [InlineData(ExpiryState.Superseded, new[] { "superseded" })]
    public async Task ReadExpiryReportAsync_ByState_ListsOnlyCertificatesInThatState(ExpiryState state, string[] expected)
    {
        await FillAsync();

        ExpiryReportRow[] rows = await ReportAsync(Query() with { State = state });

        Assert.Equal(expected, rows.Select(r => NameOf(r.Serial)));
        Assert.All(rows, r => Assert.Equal(state, r.State));
    }

    [Fact]
    public async Task ReadExpiryReportAsync_Within_ListsUnexpiredCertificatesEndingSoonFirstToEndFirst()
    {
        await FillAsync();

        ExpiryReportRow[] rows = await ReportAsync(Query() with { Within = TimeSpan.FromDays(30) });

        Assert.Equal(["expiring", "superseded"], rows.Select(r => NameOf(r.Serial)));
    }

    [Fact]
    public async Task ReadExpiryReportAsync_ProfileAndLocation_FilterCaseInsensitivelyAndNameTheDevice()
    {
        await FillAsync();

        ExpiryReportRow byProfile = Assert.Single(await ReportAsync(Query() with { Profile = "VPN" }));
        ExpiryReportRow byLocation = Assert.Single(await ReportAsync(Query() with { Location = "building a" }));

        Assert.Equal("vpn", NameOf(byProfile.Serial));
        Assert.Equal(byProfile.Serial, byLocation.Serial);
        Assert.Equal("Reception MFD", byLocation.Device);
        Assert.NotNull(byLocation.DeviceId);
        Assert.Empty(await ReportAsync(Query() with { Owner = "nobody" }));
    }

    [Fact]
    public async Task ReadExpiryReportAsync_EveryRow_CarriesDaysLeftRenewalProgressAndCertificateDetails()
    {
        await FillAsync();

        ExpiryReportRow[] rows = await ReportAsync(Query());
        ExpiryReportRow due = rows.Single(r => NameOf(r.Serial) == "due");
        ExpiryReportRow expired = rows.Single(r => NameOf(r.Serial) == "expired");

        Assert.Equal(8, rows.Length);
        Assert.Equal((300L, -1L), (due.DaysRemaining, expired.DaysRemaining));
        Assert.Equal(Now.AddDays(-1).UtcDateTime, due.RenewalDueAt!.Value.UtcDateTime);
        Assert.Equal("refused: CSR subject differs.", due.LastRenewalResult);
        Assert.NotNull(due.LastRenewalAttemptAt);
        Assert.Equal((TestData.Profile, "RSA", 2048, "sha256RSA"), (due.Profile, due.KeyAlgorithm, due.KeySize, due.SignatureAlgorithm));
        Assert.Equal(TestData.Certificate().SubjectAlternativeNames, due.SubjectAlternativeNames);
        Assert.Null(due.Device);
        Assert.Empty(due.Findings);
    }

    [Fact]
    public async Task ReadWindowAsync_CertificatesInUse_EndingWithinTheWindowFirstToEndFirstUpToTheLimit()
    {
        await FillAsync();

        ExpiryReportRow[] month = await Store.Reports.ReadWindowAsync(Now, TimeSpan.FromDays(30), ExpiringWithin, 10, CancellationToken.None).ToArrayAsync();
        ExpiryReportRow[] year = await Store.Reports.ReadWindowAsync(Now, TimeSpan.FromDays(365), ExpiringWithin, 2, CancellationToken.None).ToArrayAsync();

        Assert.Equal(["expiring"], month.Select(r => NameOf(r.Serial)));
        Assert.Equal(["expiring", "valid"], year.Select(r => NameOf(r.Serial)));
    }

    [Fact]
    public async Task ReadStatisticsAsync_OneCertificateInEveryState_CountsStatesDaysLeftAndRenewalResults()
    {
        await FillAsync();

        InventoryStatistics statistics = await Store.Reports.ReadStatisticsAsync(Now, ExpiringWithin, [7, 30, 365], CancellationToken.None);

        Assert.Equal(
            new Dictionary<ExpiryState, long>
            {
                [ExpiryState.Valid] = 3, [ExpiryState.RenewalDue] = 1, [ExpiryState.Expiring] = 1,
                [ExpiryState.Expired] = 1, [ExpiryState.Revoked] = 1, [ExpiryState.Superseded] = 1,
            },
            statistics.ByState);
        Assert.Equal([(7, 0L), (30, 1L), (365, 4L)], statistics.ExpiringWithinDays);
        Assert.Equal([("refused", 1L)], statistics.LastRenewalResults);
        Assert.Equal(6, statistics.ByExpiry.Sum(c => c.Count));
        Assert.Equal(["devices", "vpn"], statistics.ByExpiry.Select(c => c.Profile).Distinct());
        Assert.Empty(statistics.FindingsByRule);
    }

    [Fact]
    public async Task ReadStatisticsAsync_EmptyInventory_ReportsEveryStateAsZero()
    {
        InventoryStatistics statistics = await Store.Reports.ReadStatisticsAsync(Now, ExpiringWithin, [30], CancellationToken.None);

        Assert.Equal(ExpiryStates.All, statistics.ByState.Keys.Order());
        Assert.All(statistics.ByState.Values, count => Assert.Equal(0, count));
        Assert.Equal([(30, 0L)], statistics.ExpiringWithinDays);
        Assert.Empty(statistics.ByExpiry);
    }

    /// <summary>
    /// Eight certificates: valid, due (with a refused renewal), expiring, expired, revoked, superseded by renewal,
    /// and vpn (another profile, on a device the administrator placed in Building A).
    /// </summary>
    private async Task FillAsync()
    {
        await IssueAsync("valid", Now.AddDays(300), Now.AddDays(200));
        CertificateRecord due = await IssueAsync("due", Now.AddDays(300), Now.AddDays(-1));
        await IssueAsync("expiring", Now.AddDays(10));
        await IssueAsync("expired", Now.AddDays(-1));
        CertificateRecord revoked = await IssueAsync("revoked", Now.AddDays(300));
        CertificateRecord superseded = await IssueAsync("superseded", Now.AddDays(20));
        await IssueAsync("renewal", Now.AddDays(400), renewalOf: superseded.Serial);
        var identity = new DeviceIdentity(DeviceIdentityKind.SubjectCn, "mfd-1");
        await Store.Devices.CreateAsync(
            new Device { Identity = identity, Name = "Reception MFD", Location = "Building A", CreatedAt = Now, UpdatedAt = Now },
            Event(AuditActions.DeviceCreated), CancellationToken.None);
        await IssueAsync("vpn", Now.AddDays(300), profile: "vpn", device: identity);

        Assert.True(await Certificates.RevokeAsync(revoked.Serial, 1, Now, CancellationToken.None));
        EnrolmentTransaction refused = TestData.Transaction(state: TransactionState.Failed) with
        {
            RenewalOf = due.Serial,
            RenewalResult = "refused: CSR subject differs.",
        };
        Assert.True(await Enrolments.SaveTransactionAsync(refused, CancellationToken.None));
    }

    private async Task<CertificateRecord> IssueAsync(
        string name, DateTimeOffset notAfter, DateTimeOffset? dueAt = null, string? renewalOf = null, string profile = TestData.Profile,
        DeviceIdentity? device = null)
    {
        EnrolmentTransaction transaction = TestData.Transaction(profile: profile) with
        {
            RenewalOf = renewalOf,
            Device = device is { } id ? new DeviceObservation { Identity = id, Name = id.Key, Profile = profile, SeenAt = Now } : null,
        };
        CertificateRecord certificate = TestData.Certificate(transactionId: transaction.TransactionId, notAfter: notAfter, profile: profile) with
        {
            RenewalDueAt = dueAt,
        };
        _serials[certificate.Serial] = name;
        return (await Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None)).Certificate;
    }

    private string NameOf(string serial) => _serials[serial];

    private static ExpiryReportQuery Query() => new() { Now = Now, ExpiringWithin = ExpiringWithin };

    private async Task<ExpiryReportRow[]> ReportAsync(ExpiryReportQuery query) =>
        await Store.Reports.ReadExpiryReportAsync(query, CancellationToken.None).ToArrayAsync();

    private static AuditEvent Event(string action) => new() { Time = Now, Action = action, Outcome = AuditOutcome.Success, Actor = "admin" };
}

using CertBroker.Core.Audit;
using CertBroker.Core.Inventory;
using CertBroker.Core.Model;

namespace CertBroker.Storage.Tests;

/// <summary>
/// IInventorySearchIndex behaviour every database must show: the index catches up in batches (or, where the database
/// indexes in the writing transaction, is never behind), and inventory search finds the same certificates whether
/// they are indexed yet or not.
/// </summary>
public abstract class InventorySearchIndexTests : StoreTestBase
{
    private static readonly DeviceIdentity Printer = new(DeviceIdentityKind.SerialNumber, "XK-2231");

    /// <summary>
    /// True where the database keeps its search index in the transaction that writes a certificate (PostgreSQL's
    /// trigram index): nothing is ever pending, and indexing in batches has nothing to do.
    /// </summary>
    protected virtual bool IndexesOnWrite => false;

    /// <summary>What a batch of <paramref name="count"/> reports: that many, or none where nothing is ever pending.</summary>
    private int Batch(int count) => IndexesOnWrite ? 0 : count;

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
            Assert.Equal(Batch(1), await Store.Search.IndexPendingAsync(100, CancellationToken.None));
        }

        var found = await Store.Inventory.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = text }, CancellationToken.None);

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

        Assert.Equal(Batch(5), await Store.Search.CountPendingAsync(CancellationToken.None));
        Assert.Equal(Batch(2), await Store.Search.IndexPendingAsync(2, CancellationToken.None));
        Assert.Equal(Batch(3), await Store.Search.CountPendingAsync(CancellationToken.None));

        // Two certificates are in the index and three are not: a search finds all five, and misses stay misses.
        var found = await Store.Inventory.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = "router-17.example" }, CancellationToken.None);
        Assert.Equal(serials.Order(), found.Select(c => c.Serial).Order());
        Assert.Empty(await Store.Inventory.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = "router-18.example" }, CancellationToken.None));

        Assert.Equal(Batch(2), await Store.Search.IndexPendingAsync(2, CancellationToken.None));
        Assert.Equal(Batch(1), await Store.Search.IndexPendingAsync(2, CancellationToken.None));
        Assert.Equal(0, await Store.Search.IndexPendingAsync(2, CancellationToken.None));
        Assert.Equal(0, await Store.Search.CountPendingAsync(CancellationToken.None));
        found = await Store.Inventory.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = serials[3][4..16] }, CancellationToken.None);
        Assert.Equal(serials[3], Assert.Single(found).Serial);
    }

    [Fact]
    public async Task ListCertificatesAsync_MiddleOfSerialAfterRevocation_FoundAndOtherTextNot()
    {
        string serial = await IssueAsync(Printer, TestData.Now);
        await Store.Inventory.RevokeAsync(serial, 1, TestData.Now, Event(AuditActions.CertificateRevoked) with { Target = serial }, CancellationToken.None);

        var found = await Store.Inventory.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = serial[5..20].ToUpperInvariant() }, CancellationToken.None);
        var missing = await Store.Inventory.ListCertificatesAsync(new CertificateQuery { Now = TestData.Now, Text = "router-18" }, CancellationToken.None);

        Assert.Equal(serial, Assert.Single(found).Serial);
        Assert.Empty(missing);
    }

    [Fact]
    public async Task CountPendingAsync_EmptyInventory_IsZeroAndIndexingFindsNothing()
    {
        Assert.Equal(0, await Store.Search.CountPendingAsync(CancellationToken.None));
        Assert.Equal(0, await Store.Search.IndexPendingAsync(10, CancellationToken.None));
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

    private static AuditEvent Event(string action) => new() { Time = TestData.Now, Action = action, Outcome = AuditOutcome.Success, Actor = "admin" };
}

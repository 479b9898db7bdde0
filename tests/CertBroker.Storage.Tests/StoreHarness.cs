using CertBroker.Core.Accounts;
using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Inventory;
using CertBroker.Core.Policy;
using CertBroker.Core.Renewal;
using CertBroker.Core.Reports;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Storage.Tests;

/// <summary>
/// One empty database for one test, and the database-specific pieces the shared store tests need.
/// Each database (SQLite now, PostgreSQL later) provides one; the tests themselves never name a database.
/// </summary>
public abstract class StoreHarness : IAsyncDisposable
{
    public abstract IStoreMigrator CreateMigrator();

    /// <summary>
    /// A new store over the same database. Two instances behave like two service processes sharing it,
    /// which is how the concurrency tests reach the database's own locking rather than only the store's.
    /// </summary>
    public abstract StoreUnderTest CreateStore();

    /// <summary>Marks the database as migrated to <paramref name="version"/>, as a newer build would have left it.</summary>
    public abstract Task SetSchemaVersionAsync(int version);

    public abstract ValueTask DisposeAsync();
}

/// <summary>Every store interface of one database, all over the same data source.</summary>
public sealed record StoreUnderTest(
    IEnrolmentStore Enrolments,
    ICertificateStore Certificates,
    IAccountStore Accounts,
    IApiTokenStore Tokens,
    IAccountAdministration AccountAdministration,
    IAuditTrail Audit,
    IDeviceStore Devices,
    ICertificateInventory Inventory,
    IChallengeStore Challenges,
    IChallengeCleanup ChallengeCleanup,
    IApprovalStore Approvals,
    IRenewalStore Renewal,
    IRenewalEventLog RenewalEvents,
    IUpstreamRequestStore Upstream,
    IPolicyStore Policy,
    IExpiryReportSource Reports,
    IInventorySearchIndex Search);

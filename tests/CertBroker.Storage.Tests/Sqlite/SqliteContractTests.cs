using CertBroker.Storage.Sqlite;

namespace CertBroker.Storage.Tests.Sqlite;

// The shared store tests, run against SQLite. A PostgreSQL harness adds the same one-line classes.

public sealed class SqliteEnrolmentStoreTests : EnrolmentStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteCertificateStoreTests : CertificateStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteConcurrencyTests : ConcurrencyTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteStoreMigratorTests : StoreMigratorTests
{
    protected override int LatestVersion => SqliteMigrator.LatestVersion;

    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteAccountStoreTests : AccountStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteAuditTrailTests : AuditTrailTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteUpstreamRequestStoreTests : UpstreamRequestStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteRenewalEventLogTests : RenewalEventLogTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteDeviceStoreTests : DeviceStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteApprovalStoreTests : ApprovalStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteChallengeStoreTests : ChallengeStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteRenewalStoreTests : RenewalStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqlitePolicyStoreTests : PolicyStoreTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteExpiryReportSourceTests : ExpiryReportSourceTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

public sealed class SqliteInventorySearchIndexTests : InventorySearchIndexTests
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}

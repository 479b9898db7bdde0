using CertBroker.Storage.Postgres;

namespace CertBroker.Storage.Tests.Postgres;

// The shared store tests, run against PostgreSQL: the same one-line classes as SqliteContractTests.

public sealed class PostgresStoreMigratorTests : StoreMigratorTests
{
    protected override int LatestVersion => PostgresMigrator.LatestVersion;

    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresEnrolmentStoreTests : EnrolmentStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresCertificateStoreTests : CertificateStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresConcurrencyTests : ConcurrencyTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresChallengeStoreTests : ChallengeStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresApprovalStoreTests : ApprovalStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresUpstreamRequestStoreTests : UpstreamRequestStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresAuditTrailTests : AuditTrailTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresAccountStoreTests : AccountStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresPolicyStoreTests : PolicyStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresRenewalEventLogTests : RenewalEventLogTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresExpiryReportSourceTests : ExpiryReportSourceTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresDeviceStoreTests : DeviceStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresInventorySearchIndexTests : InventorySearchIndexTests
{
    protected override bool IndexesOnWrite => true;

    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

public sealed class PostgresRenewalStoreTests : RenewalStoreTests
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}

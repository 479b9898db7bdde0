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

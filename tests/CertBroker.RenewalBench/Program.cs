// The renewal sweep at scale: bulk-inserts N certificates into a fresh store (a share of them past their renewal due
// time), then times one sweep of the real RenewalSweep over the real store, which finds the due certificates through
// the due-time index and marks them, with an audit event each, in batches.
//
// Usage: certbroker-renewal-bench [--store sqlite|postgres] [--connection-string CS] [--count N]
//                                 [--due-percent P | --due-days D] [--batch B] [--der-bytes D] [--contiguous] [--database FILE]
//   --store     sqlite (default): a new SQLite file; postgres: the new, empty PostgreSQL database of --connection-string
//               (an Npgsql connection string), migrated here, filled with one binary COPY of the same rows
//   defaults: 1000000 certificates, 10 percent due (a decimal), the sweep's default batch size, 1150-byte certificates (an
//   RSA-2048 certificate with a few SANs), a new file in the temp directory (deleted after). --due-days D makes the due
//   share D/365: the certificates one sweep a day finds due in a fleet of one-year certificates renewed evenly over
//   the year (--due-days 1: 2,740 of 1,000,000). --database names a new SQLite file that is kept for inspection
//   afterwards. --contiguous makes the due certificates the first rows, as when a fleet enrolled or imported together
//   comes due together; by default they are scattered over the table.
// A measurement, not a test: it prints the figures and exits 0 (2 for bad arguments).
using System.Diagnostics;
using System.Globalization;
using CertBroker.Core.Audit;
using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;
using CertBroker.Core.Storage;
using CertBroker.RenewalBench;
using CertBroker.Storage.Postgres;
using CertBroker.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

string store = Text("--store") ?? "sqlite";
string? connectionString = Text("--connection-string");
if (store is not ("sqlite" or "postgres") || (store == "postgres" && string.IsNullOrWhiteSpace(connectionString)))
{
    Console.Error.WriteLine("certbroker-renewal-bench: --store is sqlite or postgres; postgres needs --connection-string");
    return 2;
}

int count = Option("--count", 1_000_000);
double duePercent = Text("--due-days") is { } days
    ? double.Parse(days, CultureInfo.InvariantCulture) * 100 / 365
    : double.Parse(Text("--due-percent") ?? "10", CultureInfo.InvariantCulture);
int batch = Option("--batch", new ScheduleOptions().BatchSize);
int derBytes = Option("--der-bytes", 1150);
bool contiguous = args.Contains("--contiguous");
var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
IEnumerable<BenchCertificate> fleet = BenchCertificates.Generate(count, duePercent, contiguous, now);
byte[] der = BenchCertificates.Der(derBytes);

if (store == "postgres")
{
    var options = new PostgresStoreOptions { ConnectionString = connectionString! };
    await new PostgresMigrator(options, TimeProvider.System, NullLogger<PostgresMigrator>.Instance).MigrateAsync(CancellationToken.None);
    var load = Stopwatch.StartNew();
    int due = await PostgresFill.InsertAsync(options.ConnectionString, fleet, der, CancellationToken.None);
    Console.WriteLine($"inserted {count:N0} certificates ({due:N0} past their due time, {duePercent:0.###}%) into PostgreSQL with COPY in {load.Elapsed.TotalSeconds:F1} s");
    using var stores = new PostgresStores(options, NullLogger<PostgresDataSource>.Instance);
    await TimeSweepsAsync(stores.Renewal, stores.Audit, stores.Certificates, "; the CPU is this process's, PostgreSQL's is not in it");
    return 0;
}

string? requested = Text("--database");
string database = requested ?? Path.Combine(Path.GetTempPath(), $"certbroker-renewal-bench-{Guid.NewGuid():N}.db");
var sqlite = new SqliteStoreOptions { DatabasePath = database };
await new SqliteMigrator(sqlite, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None);
var timer = Stopwatch.StartNew();
int inserted = SqliteFill.Insert(database, fleet, der);
Console.WriteLine($"inserted {count:N0} certificates ({inserted:N0} past their due time, {duePercent:0.###}%) in {timer.Elapsed.TotalSeconds:F1} s");

using (var stores = new SqliteStores(sqlite, NullLogger<SqliteDataSource>.Instance))
{
    await TimeSweepsAsync(stores.Renewal, stores.Audit, stores.Certificates, "");
}

if (requested is null)
{
    SqliteConnection.ClearAllPools();
    foreach (string file in new[] { database, database + "-wal", database + "-shm" })
    {
        File.Delete(file);
    }
}

return 0;

async Task TimeSweepsAsync(IRenewalStore renewal, IAuditTrail audit, ICertificateStore certificates, string cpuNote)
{
    var sweep = new RenewalSweep(
        renewal,
        new ProfileCatalog(Options.Create(new BrokerOptions())),
        Options.Create(new ScheduleOptions { BatchSize = batch }),
        new FixedClock(now),
        new AuditRecorder(audit, NullAuditForwarder.Instance),
        NullRenewalNotifier.Instance);

    // The first call opens the store's connections and checks the schema; not part of a sweep's cost.
    await certificates.FindBySerialAsync("00", CancellationToken.None);
    long allocatedBefore = GC.GetTotalAllocatedBytes();
    Process self = Process.GetCurrentProcess();
    TimeSpan cpuBefore = self.TotalProcessorTime;
    TimeSpan systemBefore = self.PrivilegedProcessorTime;
    var timer = Stopwatch.StartNew();
    RenewalSweepResult result = await sweep.SweepAsync(CancellationToken.None);
    timer.Stop();
    // CPU time is the steadier figure when other processes compete for the machine.
    self.Refresh();
    TimeSpan cpu = self.TotalProcessorTime - cpuBefore;
    TimeSpan system = self.PrivilegedProcessorTime - systemBefore;
    Console.WriteLine(
        $"sweep: {result.Due:N0} due, {result.Overdue:N0} overdue, {result.Expired:N0} expired, {result.Scheduled:N0} planned " +
        $"in {timer.Elapsed.TotalSeconds:F2} s wall, {cpu.TotalSeconds:F2} s CPU of which {system.TotalSeconds:F2} s in the kernel ({(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1_048_576.0:F0} MB allocated){cpuNote}");

    timer.Restart();
    result = await sweep.SweepAsync(CancellationToken.None);
    Console.WriteLine($"idle sweep right after: {result.Due + result.Overdue + result.Expired:N0} changed in {timer.Elapsed.TotalMilliseconds:F1} ms");
}

string? Text(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

int Option(string name, int fallback) => Text(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

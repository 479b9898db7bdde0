// The renewal sweep at scale: bulk-inserts N certificates into a fresh SQLite file (a share of them past their
// renewal due time), then times one sweep of the real RenewalSweep over the real store, which finds the due
// certificates through the due-time index and marks them, with an audit event each, in batches.
//
// Usage: certbroker-renewal-bench [--count N] [--due-percent P] [--batch B] [--der-bytes D] [--contiguous] [--database FILE]
//   defaults: 1000000 certificates, 10 percent due (a decimal), the sweep's default batch size, 1150-byte certificates (an
//   RSA-2048 certificate with a few SANs), a new file in the temp directory (deleted after). --database names a new
//   file that is kept for inspection afterwards. --contiguous makes the due certificates the first rows, as when a
//   fleet enrolled or imported together comes due together; by default they are scattered over the table.
// A measurement, not a test: it prints the figures and exits 0.
using System.Diagnostics;
using System.Globalization;
using CertBroker.Core.Audit;
using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;
using CertBroker.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

int count = Option("--count", 1_000_000);
double duePercent = double.Parse(args.SkipWhile(a => a != "--due-percent").Skip(1).FirstOrDefault() ?? "10", CultureInfo.InvariantCulture);
int batch = Option("--batch", new ScheduleOptions().BatchSize);
int derBytes = Option("--der-bytes", 1150);
bool contiguous = args.Contains("--contiguous");
string? requested = args.SkipWhile(a => a != "--database").Skip(1).FirstOrDefault();
string database = requested ?? Path.Combine(Path.GetTempPath(), $"certbroker-renewal-bench-{Guid.NewGuid():N}.db");

var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
var options = new SqliteStoreOptions { DatabasePath = database };
await new SqliteMigrator(options, TimeProvider.System, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None);

var load = Stopwatch.StartNew();
int due = BulkInsert(database, count, duePercent, contiguous, derBytes, now);
Console.WriteLine($"inserted {count:N0} certificates ({due:N0} past their due time) in {load.Elapsed.TotalSeconds:F1} s");

using (var stores = new SqliteStores(options, NullLogger<SqliteDataSource>.Instance))
{
    var sweep = new RenewalSweep(
        stores.Renewal,
        new ProfileCatalog(Options.Create(new BrokerOptions())),
        Options.Create(new ScheduleOptions { BatchSize = batch }),
        new FixedClock(now),
        new AuditRecorder(stores.Audit, NullAuditForwarder.Instance),
        NullRenewalNotifier.Instance);

    // The first call opens the store's connections and checks the schema; not part of a sweep's cost.
    await stores.Certificates.FindBySerialAsync("00", CancellationToken.None);
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
        $"in {timer.Elapsed.TotalSeconds:F2} s wall, {cpu.TotalSeconds:F2} s CPU of which {system.TotalSeconds:F2} s in the kernel ({(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1_048_576.0:F0} MB allocated)");

    timer.Restart();
    result = await sweep.SweepAsync(CancellationToken.None);
    Console.WriteLine($"idle sweep right after: {result.Due + result.Overdue + result.Expired:N0} changed in {timer.Elapsed.TotalMilliseconds:F1} ms");
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

int Option(string name, int fallback)
{
    string? value = args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
    return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
}

// One transaction, one prepared insert. The due certificates are drawn at random across the table (or are its first
// rows with --contiguous), with due times over the last 2 days (all under the 72-hour grace, so they become Due, not
// Overdue); the rest are due over the coming 300 days. notAfter follows at 20% of a year. The DER is a stand-in of a
// real certificate's size, so the file has a real inventory's size.
static int BulkInsert(string path, int count, double duePercent, bool contiguous, int derBytes, DateTimeOffset now)
{
    using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
    connection.Open();
    using SqliteTransaction transaction = connection.BeginTransaction();
    using SqliteCommand insert = connection.CreateCommand();
    insert.Transaction = transaction;
    insert.CommandText = """
        INSERT INTO certificates (serial, profile, issuer, subject, not_before, not_after, key_algorithm, key_size,
            signature_algorithm, thumbprint_sha256, public_key_sha256, der, issued_at, renewal_due_at)
        VALUES (@Serial, 'default', 'CN=Bench CA', @Subject, @NotBefore, @NotAfter, 'RSA', 2048, 'sha256RSA',
            @Thumbprint, @Thumbprint, @Der, @NotBefore, @DueAt)
        """;
    SqliteParameter serial = insert.Parameters.Add("@Serial", SqliteType.Text);
    SqliteParameter subject = insert.Parameters.Add("@Subject", SqliteType.Text);
    SqliteParameter notBefore = insert.Parameters.Add("@NotBefore", SqliteType.Integer);
    SqliteParameter notAfter = insert.Parameters.Add("@NotAfter", SqliteType.Integer);
    SqliteParameter thumbprint = insert.Parameters.Add("@Thumbprint", SqliteType.Text);
    SqliteParameter dueAt = insert.Parameters.Add("@DueAt", SqliteType.Integer);
    byte[] der = new byte[Math.Max(derBytes, 2)];
    new Random(1150).NextBytes(der);
    der[0] = 0x30;
    der[1] = 0x82;
    insert.Parameters.Add("@Der", SqliteType.Blob).Value = der;
    insert.Prepare();
    var random = new Random(2026);
    long nowMicros = now.ToUnixTimeMilliseconds() * 1000;
    const long Day = 86_400_000_000;
    int due = 0;
    for (int i = 0; i < count; i++)
    {
        bool isDue = contiguous ? i < (int)(count * duePercent / 100) : random.NextDouble() * 100 < duePercent;
        due += isDue ? 1 : 0;
        long dueMicros = isDue
            ? nowMicros - (long)(random.NextDouble() * 2 * Day)
            : nowMicros + 1 + (long)(random.NextDouble() * 300 * Day);
        serial.Value = i.ToString("x32", CultureInfo.InvariantCulture);
        subject.Value = $"CN=device-{i}";
        notBefore.Value = dueMicros - (292 * Day);
        notAfter.Value = dueMicros + (73 * Day);
        thumbprint.Value = i.ToString("x64", CultureInfo.InvariantCulture);
        dueAt.Value = dueMicros;
        insert.ExecuteNonQuery();
    }

    transaction.Commit();
    return due;
}

/// <summary>The sweep's "now", fixed so the due share is exactly what was inserted.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

using System.Diagnostics;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using Xunit.Abstractions;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>
/// The enrolment hot path against a real file: renewal look-up by thumbprint, transaction look-up, SaveIssued.
/// Prints wall-clock and process CPU time per enrolment and the mean latency of each call, for comparison between
/// builds; asserts only that every write landed, never a time, because shared build machines make timings too noisy
/// to fail on. CPU per enrolment is the steadier figure when other processes compete for the machine.
/// Run alone with <c>dotnet test -c Release --filter Category=Benchmark --logger "console;verbosity=detailed"</c>.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class SqliteStoreBenchmarks(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Enrolments = 2000;
    private const int WarmUp = 200;
    private const int ConcurrentCallers = 32;

    private readonly SqliteHarness _harness = new();

    public async Task InitializeAsync() => await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Enrolments_OneAfterAnother_AllStored()
    {
        var store = _harness.CreateStore();
        var work = NewWork(WarmUp + Enrolments);
        for (var i = 0; i < WarmUp; i++)
        {
            await EnrolAsync(store, work, i, new Timings());
        }

        var timings = new Timings();
        var measurement = Measurement.Start();
        for (var i = WarmUp; i < work.Length; i++)
        {
            await EnrolAsync(store, work, i, timings);
        }

        Report("sequential", measurement.Stop(), timings);
        await AssertAllStoredAsync(store, work);
    }

    [Fact]
    public async Task Enrolments_32CallersAtOnce_AllStored()
    {
        var store = _harness.CreateStore();
        var work = NewWork(WarmUp + Enrolments);
        // Warmed up the way it is measured, so the thread pool and the concurrent paths are ready too.
        await EnrolConcurrentlyAsync(store, work, 0, WarmUp, new Timings());

        var timings = new Timings();
        var measurement = Measurement.Start();
        await EnrolConcurrentlyAsync(store, work, WarmUp, work.Length, timings);

        Report($"{ConcurrentCallers} callers", measurement.Stop(), timings);
        await AssertAllStoredAsync(store, work);
    }

    /// <summary>Enrolments <paramref name="from"/> to <paramref name="to"/>, each taken by whichever caller comes free.</summary>
    private static async Task EnrolConcurrentlyAsync(StoreUnderTest store, Work[] work, int from, int to, Timings timings)
    {
        var next = from - 1;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, ConcurrentCallers).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            int i;
            while ((i = Interlocked.Increment(ref next)) < to)
            {
                // Each enrolment is a request of its own in the server, queued to the thread pool. Without this a
                // caller whose calls all complete synchronously would keep its thread, and few would ever overlap.
                await Task.Yield();
                await EnrolAsync(store, work, i, timings);
            }
        })).ToArray();

        start.SetResult();
        await Task.WhenAll(callers);
    }

    /// <summary>
    /// One enrolment as the handler makes it: a renewal look-up of the signer's thumbprint (a certificate from the
    /// warm-up once that is stored, else a miss), the transaction look-up (a miss: the transaction is new), then the
    /// issued certificate saved with it.
    /// </summary>
    private static async Task EnrolAsync(StoreUnderTest store, Work[] work, int i, Timings timings)
    {
        var (transaction, certificate) = work[i];
        var renewing = i >= WarmUp;
        var started = Stopwatch.GetTimestamp();
        var signer = await store.Certificates.FindByThumbprintAsync(
            work[renewing ? i % WarmUp : i].Certificate.ThumbprintSha256, CancellationToken.None);
        var found = Stopwatch.GetTimestamp();
        var existing = await store.Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
        var looked = Stopwatch.GetTimestamp();
        var outcome = await store.Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None);
        var saved = Stopwatch.GetTimestamp();

        Assert.Null(existing);
        Assert.False(outcome.AlreadyIssued);
        Assert.Equal(renewing, signer is not null);
        timings.Add(found - started, looked - found, saved - looked);
    }

    private static Work[] NewWork(int count) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            var transaction = TestData.Transaction();
            return new Work(transaction, TestData.Certificate(transactionId: transaction.TransactionId));
        }).ToArray();

    private static async Task AssertAllStoredAsync(StoreUnderTest store, Work[] work)
    {
        foreach (var (transaction, certificate) in work)
        {
            var stored = await store.Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
            Assert.Equal(TransactionState.Issued, stored!.State);
            Assert.Equal(certificate.Serial, stored.CertificateSerial);
            var byThumbprint = await store.Certificates.FindByThumbprintAsync(certificate.ThumbprintSha256, CancellationToken.None);
            Assert.Equal(certificate.Serial, byThumbprint!.Serial);
        }
    }

    private void Report(string run, (TimeSpan Wall, TimeSpan Cpu) measured, Timings timings)
    {
        output.WriteLine(
            "{0}: {1} enrolments in {2:F0} ms = {3:F1} µs per enrolment, CPU {4:F1} µs per enrolment; mean latency " +
            "per call: FindByThumbprint {5:F1} µs, FindTransaction {6:F1} µs, SaveIssued {7:F1} µs",
            run, timings.Count, measured.Wall.TotalMilliseconds, measured.Wall.TotalMicroseconds / timings.Count,
            measured.Cpu.TotalMicroseconds / timings.Count,
            timings.MeanMicroseconds(0), timings.MeanMicroseconds(1), timings.MeanMicroseconds(2));
    }

    private sealed record Work(EnrolmentTransaction Transaction, CertificateRecord Certificate);

    /// <summary>Wall-clock time and the CPU time of the whole test process.</summary>
    private readonly record struct Measurement(long StartedAt, TimeSpan CpuAtStart)
    {
        public static Measurement Start() => new(Stopwatch.GetTimestamp(), Process.GetCurrentProcess().TotalProcessorTime);

        public (TimeSpan Wall, TimeSpan Cpu) Stop() =>
            (Stopwatch.GetElapsedTime(StartedAt), Process.GetCurrentProcess().TotalProcessorTime - CpuAtStart);
    }

    /// <summary>Stopwatch ticks per kind of call, summed across callers.</summary>
    private sealed class Timings
    {
        private readonly long[] _ticks = new long[3];
        private int _count;

        public int Count => _count;

        public void Add(long thumbprint, long transaction, long save)
        {
            Interlocked.Add(ref _ticks[0], thumbprint);
            Interlocked.Add(ref _ticks[1], transaction);
            Interlocked.Add(ref _ticks[2], save);
            Interlocked.Increment(ref _count);
        }

        public double MeanMicroseconds(int call) => _ticks[call] * 1_000_000.0 / Stopwatch.Frequency / _count;
    }
}

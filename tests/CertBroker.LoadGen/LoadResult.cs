using System.Text.Json.Serialization;

namespace CertBroker.LoadGen;

/// <summary>Latency distribution in milliseconds; percentiles by nearest rank.</summary>
public sealed record LatencySummary(double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static LatencySummary From(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0);
        }

        double[] sorted = [.. milliseconds.Order()];
        return new LatencySummary(Rank(sorted, 50), Rank(sorted, 95), Rank(sorted, 99), sorted[^1], sorted.Average());
    }

    private static double Rank(double[] sorted, int percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>CPU a process used during the timed run, from /proc/PID/stat.</summary>
/// <param name="Pid">The process measured.</param>
/// <param name="Ticks">utime + stime after minus before (with the children's, for a measured process tree).</param>
/// <param name="ClockTicksPerSecond">From <c>getconf CLK_TCK</c>.</param>
/// <param name="TotalMs">The ticks as milliseconds.</param>
/// <param name="MsPerEnrolment">TotalMs over the timed run's successful enrolments.</param>
/// <param name="CoresBusy">TotalMs over the run's wall-clock time: how many cores it kept busy on average.</param>
public sealed record CpuFigures(int Pid, long Ticks, long ClockTicksPerSecond, double TotalMs, double? MsPerEnrolment, double CoresBusy);

/// <summary>The server's resident memory during the timed run, from /proc/PID/status, in MB of 10^6 bytes.</summary>
/// <param name="Pid">The process measured.</param>
/// <param name="Samples">VmRSS samples taken during the timed run.</param>
/// <param name="IntervalMs">Time between samples.</param>
/// <param name="SteadyRssMb">Median VmRSS of the samples in the second half of the timed run.</param>
/// <param name="MaxRssMb">Largest VmRSS sample.</param>
/// <param name="PeakHwmMb">VmHWM after the run: the most the process was ever resident, warm-up and start-up included.</param>
public sealed record MemoryFigures(int Pid, int Samples, double IntervalMs, double SteadyRssMb, double MaxRssMb, double? PeakHwmMb);

/// <summary>The whole machine's CPU during the timed run.</summary>
/// <param name="Cores">Logical processors.</param>
/// <param name="CoresBusy">Average busy cores, all processes.</param>
/// <param name="OtherCoresBusy">Average busy cores outside the server and the other measured processes (when measured) and the load generator.</param>
public sealed record MachineCpu(int Cores, double CoresBusy, double OtherCoresBusy);

/// <summary>
/// Everything a run measured. The run passed when no request failed in any way, no serial repeated and every reply
/// came in the request's cipher.
/// </summary>
public sealed record LoadResult
{
    public required string RunId { get; init; }

    public required string Url { get; init; }

    public required string Method { get; init; }

    public required string Cipher { get; init; }

    public required int Concurrency { get; init; }

    /// <summary>"count" (every prepared request sent), "duration" or "supply exhausted" (duration not reached).</summary>
    public required string EndedBy { get; init; }

    public required int WarmupRequests { get; init; }

    /// <summary>Warm-up errors by kind; they fail the run but stay out of the timed figures.</summary>
    public required IReadOnlyDictionary<string, int> WarmupErrors { get; init; }

    /// <summary>Requests the timed run sent and got an answer (or a transport error) for.</summary>
    public required int Requests { get; init; }

    /// <summary>Timed requests that ended in a SUCCESS passing every check.</summary>
    public required int Enrolments { get; init; }

    public required double ElapsedSeconds { get; init; }

    public double EnrolmentsPerSecond => ElapsedSeconds > 0 ? Enrolments / ElapsedSeconds : 0;

    /// <summary>Latency of every timed request, first byte sent to last byte received.</summary>
    public required LatencySummary Latency { get; init; }

    /// <summary>Timed-run errors by kind (HTTP status, FAILURE failInfo, PENDING, parse error, verification failure, transport).</summary>
    public required IReadOnlyDictionary<string, int> Errors { get; init; }

    /// <summary>The first few errors with their details, warm-up included.</summary>
    public required IReadOnlyList<string> ErrorSamples { get; init; }

    /// <summary>SUCCESS responses opened, warm-up included.</summary>
    public required int SuccessResponses { get; init; }

    public required int DistinctSerials { get; init; }

    /// <summary>SUCCESS responses whose serial an earlier response already had.</summary>
    public int DuplicateSerials => SuccessResponses - DistinctSerials;

    /// <summary>
    /// SUCCESS responses by the cipher their reply was encrypted with. A server should answer in the request's cipher
    /// (<see cref="Cipher"/>), the one GetCACaps let the client choose; one that answers in another (micromdm's
    /// scepserver always uses DES-CBC) still issued the certificate, so this is reported apart from the errors.
    /// </summary>
    public required IReadOnlyDictionary<string, int> ReplyCiphers { get; init; }

    /// <summary>SUCCESS responses encrypted with another cipher than the request's.</summary>
    public int ReplyCipherMismatches => ReplyCiphers.Where(c => c.Key != Cipher).Sum(c => c.Value);

    /// <summary>Responses fully verified (every S-th), whatever the outcome.</summary>
    public required int FullyVerified { get; init; }

    public CpuFigures? ServerCpu { get; init; }

    /// <summary>CPU of <see cref="LoadOptions.MeasuredProcesses"/> and their children in the timed run, by name; null when none.</summary>
    public IReadOnlyDictionary<string, CpuFigures>? MeasuredCpu { get; init; }

    public MemoryFigures? ServerMemory { get; init; }

    /// <summary>The load generator's own CPU during the timed run: it competes with the server for the same cores.</summary>
    public required CpuFigures ClientCpu { get; init; }

    /// <summary>
    /// Cores the whole machine kept busy during the timed run (/proc/stat), and of those the ones neither the server
    /// (when measured) nor the load generator used: other processes competing for the same cores.
    /// </summary>
    public MachineCpu? Machine { get; init; }

    /// <summary>Issued certificates (DER) of every SUCCESS, in request order.</summary>
    [JsonIgnore]
    public IReadOnlyList<byte[]> IssuedCertificates { get; init; } = [];

    /// <summary>Serial numbers (hex, as in the certificate) of <see cref="IssuedCertificates"/>.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> IssuedSerials { get; init; } = [];

    public bool Passed => Errors.Count == 0 && WarmupErrors.Count == 0 && DuplicateSerials == 0 && ReplyCipherMismatches == 0;
}

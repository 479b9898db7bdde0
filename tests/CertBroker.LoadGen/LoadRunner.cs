using System.Collections.Concurrent;
using System.Diagnostics;
using CertBroker.Scep;

namespace CertBroker.LoadGen;

/// <summary>
/// One load run: fetches GetCACaps and GetCACert, prepares every PKCSReq up front, sends a warm-up, then the timed run
/// with <see cref="LoadOptions.Concurrency"/> workers over one HttpClient, and checks and opens the replies once the
/// clock has stopped. Server CPU and memory are sampled around the timed run only.
/// </summary>
public sealed class LoadRunner(LoadOptions options, TextWriter log, TimeProvider time)
{
    private const int MaxErrorSamples = 10;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MemoryInterval = TimeSpan.FromMilliseconds(250);

    public LoadRunner(LoadOptions options, TextWriter log)
        : this(options, log, TimeProvider.System)
    {
    }

    /// <exception cref="ArgumentException">The options contradict each other; the message lists every problem.</exception>
    /// <exception cref="HttpRequestException">GetCACaps or GetCACert failed.</exception>
    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        using var client = new ScepClient(options.Url, options.Concurrency, options.RequestTimeout);
        CaMaterial ca = await FetchServerFactsAsync(client, cancellationToken).ConfigureAwait(false);
        var inspector = new ResponseInspector(ca);

        Stopwatch preparing = Stopwatch.StartNew();
        var devices = new DeviceIdentity[options.KeyPool];
        Parallel.For(0, devices.Length, i => devices[i] = DeviceIdentity.Create($"CN=loadgen-device-{i}", time.GetUtcNow()));
        try
        {
            var factory = new RequestFactory(options, ca, devices, time);
            PreparedRequest[] warmup = factory.Prepare(0, options.Warmup, cancellationToken);
            int? timedCount = options.Count ?? (options.Duration is null ? LoadOptions.DefaultCount : null);
            PreparedRequest[]? timed = timedCount is int count ? factory.Prepare(options.Warmup, count, cancellationToken) : null;
            log.WriteLine($"run {factory.RunId}: {options.KeyPool} device keys, {warmup.Length + (timed?.Length ?? 0)} requests prepared in {preparing.Elapsed.TotalSeconds:F1} s");

            Phase warm = await RunPhaseAsync("warm-up", client, warmup, null, cancellationToken).ConfigureAwait(false);
            if (timed is null)
            {
                timed = factory.Prepare(options.Warmup, SupplyFor(warm), cancellationToken);
                log.WriteLine($"{timed.Length} requests prepared for {options.Duration!.Value.TotalSeconds:F0} s from the warm-up rate");
            }

            MemorySampler? memory = options.ServerPid is int sampled ? new MemorySampler(sampled, MemoryInterval, time) : null;
            using var stopSampling = new CancellationTokenSource();
            Task sampling = memory?.RunAsync(stopSampling.Token) ?? Task.CompletedTask;
            long serverBefore = options.ServerPid is int pid ? ProcessCpu.ReadTicks(pid) : 0;
            Dictionary<string, long> measuredBefore = options.MeasuredProcesses.ToDictionary(p => p.Key, p => ProcessCpu.ReadTreeTicks(p.Value), StringComparer.Ordinal);
            long? machineBefore = ProcessCpu.ReadMachineBusyTicks();
            TimeSpan clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
            long started = Stopwatch.GetTimestamp();
            Phase run = await RunPhaseAsync("timed run", client, timed, options.Duration, cancellationToken).ConfigureAwait(false);
            long ended = Stopwatch.GetTimestamp();
            TimeSpan clientUsed = Process.GetCurrentProcess().TotalProcessorTime - clientBefore;
            long? serverTicks = options.ServerPid is int measured ? ProcessCpu.ReadTicks(measured) - serverBefore : null;
            Dictionary<string, long> measuredTicks = options.MeasuredProcesses.ToDictionary(p => p.Key, p => ProcessCpu.ReadTreeTicks(p.Value) - measuredBefore[p.Key], StringComparer.Ordinal);
            long? machineTicks = ProcessCpu.ReadMachineBusyTicks() - machineBefore;
            await stopSampling.CancelAsync().ConfigureAwait(false);
            await sampling.ConfigureAwait(false);

            Stopwatch opening = Stopwatch.StartNew();
            InspectAll(inspector, [warm, run]);
            log.WriteLine($"replies checked and opened in {opening.Elapsed.TotalSeconds:F1} s");
            LoadResult result = Summarize(factory.RunId, warm, run, serverTicks, measuredTicks, clientUsed, machineTicks);
            return result with { ServerMemory = memory?.Summarize(started, ended) };
        }
        finally
        {
            foreach (DeviceIdentity device in devices)
            {
                device?.Dispose();
            }
        }
    }

    private async Task<CaMaterial> FetchServerFactsAsync(ScepClient client, CancellationToken cancellationToken)
    {
        IReadOnlySet<string> caps = await client.GetCaCapsAsync(cancellationToken).ConfigureAwait(false);
        if (options.Method == ScepHttpMethod.Post && !caps.Contains(CaCapabilities.PostPkiOperation))
        {
            log.WriteLine($"warning: GetCACaps does not list {CaCapabilities.PostPkiOperation}; sending POST anyway");
        }

        string? cipherCap = options.Cipher.IsAes ? CaCapabilities.Aes : options.Cipher == Scep.Cms.ContentEncryptionAlgorithm.DesEde3Cbc ? CaCapabilities.Des3 : null;
        if (cipherCap is not null && !caps.Contains(cipherCap))
        {
            log.WriteLine($"warning: GetCACaps does not list {cipherCap}; sending {options.Cipher.Name} anyway");
        }

        CaMaterial ca = await client.GetCaCertAsync(cancellationToken).ConfigureAwait(false);
        log.WriteLine($"GetCACert: {ca.All.Count} certificates; encrypting to '{ca.Encryption.Subject}', CertRep signer expected '{ca.Signing.Subject}'");
        return ca;
    }

    // Three times what the warm-up's second half says the duration needs: the first half is mostly cold (JIT, new
    // connections), and a server often speeds up further once warm.
    private int SupplyFor(Phase warm)
    {
        long[] finished = [.. warm.FinishedAt.Take(warm.Sent).Order()];
        double rate = 0;
        if (finished.Length >= 2)
        {
            int half = finished.Length / 2;
            double seconds = (finished[^1] - finished[half - 1]) / (double)Stopwatch.Frequency;
            rate = seconds > 0 ? (finished.Length - half) / seconds : 0;
        }

        double wanted = (rate * options.Duration!.Value.TotalSeconds * 3) + options.Concurrency;
        return (int)Math.Clamp(Math.Ceiling(wanted), options.Concurrency, LoadOptions.MaxPrepared);
    }

    private async Task<Phase> RunPhaseAsync(
        string name, ScepClient client, PreparedRequest[] requests, TimeSpan? duration, CancellationToken cancellationToken)
    {
        var phase = new Phase(requests);
        if (requests.Length == 0)
        {
            return phase;
        }

        int next = -1;
        long started = Stopwatch.GetTimestamp();
        long deadline = duration is { } limit ? started + (long)(limit.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        using var progress = new CancellationTokenSource();
        Task reporter = ReportProgressAsync(name, phase, progress.Token);

        async Task WorkAsync()
        {
            while (true)
            {
                // Deadline first: every slot taken is then sent, so the slots sent are always the first ones.
                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    return;
                }

                int i = Interlocked.Increment(ref next);
                if (i >= requests.Length)
                {
                    return;
                }

                long sent = Stopwatch.GetTimestamp();
                HttpExchange exchange = await client.SendAsync(requests[i], cancellationToken).ConfigureAwait(false);
                phase.FinishedAt[i] = Stopwatch.GetTimestamp();
                phase.LatencyMs[i] = Stopwatch.GetElapsedTime(sent, phase.FinishedAt[i]).TotalMilliseconds;
                phase.Exchanges[i] = exchange;

                // No cryptography while the clock runs: the load generator shares the cores with the server.
                phase.Errors[i] = ResponseInspector.Triage(exchange);
                Interlocked.Increment(ref phase.Completed);
            }
        }

        int workers = Math.Min(options.Concurrency, requests.Length);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync, cancellationToken))).ConfigureAwait(false);
        phase.Elapsed = Stopwatch.GetElapsedTime(started);
        phase.EndedBy = phase.Sent == requests.Length ? (duration is null ? "count" : "supply exhausted") : "duration";
        await progress.CancelAsync().ConfigureAwait(false);
        await reporter.ConfigureAwait(false);
        log.WriteLine($"{name}: {phase.Sent} requests in {phase.Elapsed.TotalSeconds:F2} s, {phase.Errors.Count(e => e is not null)} errors by HTTP status and pkiStatus (every reply is checked in full after the run)");
        if (phase.EndedBy == "supply exhausted")
        {
            log.WriteLine($"warning: all {requests.Length} prepared requests were sent before {duration!.Value.TotalSeconds:F0} s; give --count to prepare more");
        }
        return phase;
    }

    private async Task ReportProgressAsync(string name, Phase phase, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ProgressInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                log.WriteLine($"{name}: {Volatile.Read(ref phase.Completed)} of {phase.Requests.Length} done");
            }
        }
        catch (OperationCanceledException)
        {
            // The phase ended.
        }
    }

    // One task per device key, as when preparing: the client's RSA private-key operations on one key never overlap.
    private void InspectAll(ResponseInspector inspector, Phase[] phases)
    {
        var work = phases
            .SelectMany(p => Enumerable.Range(0, p.Sent).Where(i => p.Exchanges[i] is not null).Select(i => (Phase: p, Slot: i)))
            .GroupBy(w => w.Phase.Requests[w.Slot].Device)
            .ToList();
        Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, group =>
        {
            foreach ((Phase phase, int slot) in group)
            {
                PreparedRequest request = phase.Requests[slot];
                bool full = options.VerifySample > 0 && request.Index % options.VerifySample == 0;
                OpenedResponse opened = inspector.Inspect(request, phase.Exchanges[slot]!, full);
                phase.Opened[slot] = opened;
                phase.Verified[slot] = full && opened.Serial is not null;
                (phase.Errors[slot], phase.Details[slot]) = (opened.Error, opened.Detail);
            }
        });
    }

    private LoadResult Summarize(
        string runId, Phase warm, Phase run, long? serverTicks, IReadOnlyDictionary<string, long> measuredTicks, TimeSpan clientUsed, long? machineTicks)
    {
        List<OpenedResponse> successes = [.. new[] { warm, run }.SelectMany(p => p.Opened.Take(p.Sent)).OfType<OpenedResponse>().Where(o => o.Serial is not null)];
        int enrolments = Enumerable.Range(0, run.Sent).Count(i => run.Errors[i] is null);
        double seconds = run.Elapsed.TotalSeconds;
        long ticksPerSecond = ProcessCpu.ClockTicksPerSecond;
        CpuFigures? server = serverTicks is long ticks ? Cpu(options.ServerPid!.Value, ticks, ticksPerSecond, enrolments, seconds) : null;
        Dictionary<string, CpuFigures> measured = measuredTicks.ToDictionary(
            m => m.Key, m => Cpu(options.MeasuredProcesses[m.Key], m.Value, ticksPerSecond, enrolments, seconds), StringComparer.Ordinal);
        long clientTicks = (long)Math.Round(clientUsed.TotalSeconds * ticksPerSecond);
        CpuFigures client = Cpu(Environment.ProcessId, clientTicks, ticksPerSecond, enrolments, seconds);
        MachineCpu? machine = null;
        if (machineTicks is long busy && seconds > 0)
        {
            double cores = busy / (double)ticksPerSecond / seconds;
            double known = client.CoresBusy + (server?.CoresBusy ?? 0) + measured.Values.Sum(m => m.CoresBusy);
            machine = new MachineCpu(Environment.ProcessorCount, cores, Math.Max(0, cores - known));
        }

        return new LoadResult
        {
            RunId = runId,
            Url = options.Url.ToString(),
            Method = options.Method.ToString().ToUpperInvariant(),
            Cipher = options.Cipher.Name,
            Concurrency = options.Concurrency,
            EndedBy = run.EndedBy,
            WarmupRequests = warm.Sent,
            WarmupErrors = warm.ErrorCounts(),
            Requests = run.Sent,
            Enrolments = enrolments,
            ElapsedSeconds = seconds,
            Latency = LatencySummary.From(run.LatencyMs.Take(run.Sent).ToList()),
            Errors = run.ErrorCounts(),
            ErrorSamples = [.. warm.ErrorLines("warm-up").Concat(run.ErrorLines("timed")).Take(MaxErrorSamples)],
            SuccessResponses = successes.Count,
            DistinctSerials = successes.Select(s => s.Serial).Distinct(StringComparer.OrdinalIgnoreCase).Count(),
            ReplyCiphers = successes.GroupBy(s => s.Cipher?.Name ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            FullyVerified = warm.Verified.Count(v => v) + run.Verified.Count(v => v),
            ServerCpu = server,
            MeasuredCpu = measured.Count > 0 ? measured : null,
            ClientCpu = client,
            Machine = machine,
            IssuedCertificates = [.. successes.Select(s => s.Certificate!)],
            IssuedSerials = [.. successes.Select(s => s.Serial!)],
        };
    }

    private static CpuFigures Cpu(int pid, long ticks, long ticksPerSecond, int enrolments, double seconds)
    {
        double totalMs = ticks * 1000.0 / ticksPerSecond;
        return new CpuFigures(pid, ticks, ticksPerSecond, totalMs, enrolments > 0 ? totalMs / enrolments : null, seconds > 0 ? totalMs / 1000 / seconds : 0);
    }

    /// <summary>The requests of one phase and what happened to each, by slot.</summary>
    private sealed class Phase(PreparedRequest[] requests)
    {
        public int Completed;

        public PreparedRequest[] Requests { get; } = requests;

        public HttpExchange?[] Exchanges { get; } = new HttpExchange?[requests.Length];

        public double[] LatencyMs { get; } = new double[requests.Length];

        public long[] FinishedAt { get; } = new long[requests.Length];

        public string?[] Errors { get; } = new string?[requests.Length];

        public string?[] Details { get; } = new string?[requests.Length];

        public OpenedResponse?[] Opened { get; } = new OpenedResponse?[requests.Length];

        public bool[] Verified { get; } = new bool[requests.Length];

        public TimeSpan Elapsed { get; set; }

        public string EndedBy { get; set; } = "count";

        /// <summary>Requests sent: workers take slots in order, so these are the first <see cref="Completed"/> slots.</summary>
        public int Sent => Completed;

        public IReadOnlyDictionary<string, int> ErrorCounts() =>
            Errors.Take(Sent).OfType<string>().GroupBy(e => e).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());

        public IEnumerable<string> ErrorLines(string phase) =>
            Enumerable.Range(0, Sent).Where(i => Errors[i] is not null)
                .Select(i => $"{phase} {Requests[i].TransactionId}: {Errors[i]}{(Details[i] is { } d ? " - " + d : "")}");
    }
}

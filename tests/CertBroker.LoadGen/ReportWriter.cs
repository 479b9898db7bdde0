using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CertBroker.LoadGen;

/// <summary>Prints a <see cref="LoadResult"/> for a person, or as one JSON document.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void WriteText(LoadResult result, TextWriter output)
    {
        Line(output, $"run {result.RunId}: {result.Requests} PKCSReq by {result.Method} with {result.Cipher}, concurrency {result.Concurrency}, to {result.Url}");
        Line(output, $"  ended by        {result.EndedBy}, after {result.WarmupRequests} warm-up requests");
        Line(output, $"  elapsed         {result.ElapsedSeconds:F2} s");
        Line(output, $"  enrolments      {result.Enrolments} ({result.EnrolmentsPerSecond:F1}/s)");
        LatencySummary l = result.Latency;
        Line(output, $"  latency ms      p50 {l.P50Ms:F1}  p95 {l.P95Ms:F1}  p99 {l.P99Ms:F1}  max {l.MaxMs:F1}  mean {l.MeanMs:F1}");
        Line(output, $"  serials         {result.DistinctSerials} distinct of {result.SuccessResponses} SUCCESS responses (warm-up included), {result.DuplicateSerials} duplicates");
        Line(output, $"  fully verified  {result.FullyVerified}");
        string ciphers = string.Join(", ", result.ReplyCiphers.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} x{c.Value}")));
        string mismatch = result.ReplyCipherMismatches > 0 ? $" ({result.ReplyCipherMismatches} not in the request's {result.Cipher})" : "";
        output.WriteLine($"  reply ciphers   {(ciphers.Length == 0 ? "none" : ciphers)}{mismatch}");
        WriteErrors(output, "errors", result.Errors);
        if (result.WarmupErrors.Count > 0)
        {
            WriteErrors(output, "warm-up errors", result.WarmupErrors);
        }

        foreach (string sample in result.ErrorSamples)
        {
            Line(output, $"    {sample}");
        }

        if (result.ServerCpu is { } server)
        {
            Line(output, $"  server CPU      {server.TotalMs:F0} ms (pid {server.Pid}, {server.Ticks} ticks at {server.ClockTicksPerSecond}/s): {PerEnrolment(server)} per enrolment, {server.CoresBusy:F2} cores busy");
        }

        foreach ((string name, CpuFigures cpu) in result.MeasuredCpu ?? new Dictionary<string, CpuFigures>())
        {
            Line(output, $"  {name + " CPU",-15} {cpu.TotalMs:F0} ms (pid {cpu.Pid} and its children): {PerEnrolment(cpu)} per enrolment, {cpu.CoresBusy:F2} cores busy");
        }

        if (result.ServerMemory is { } memory)
        {
            string hwm = memory.PeakHwmMb is double peak ? peak.ToString("F1", CultureInfo.InvariantCulture) + " MB" : "n/a";
            Line(output, $"  server memory   VmRSS {memory.SteadyRssMb:F1} MB steady (median of the second half), {memory.MaxRssMb:F1} MB max of {memory.Samples} samples; VmHWM {hwm}");
        }

        CpuFigures client = result.ClientCpu;
        Line(output, $"  loadgen CPU     {client.TotalMs:F0} ms: {PerEnrolment(client)} per enrolment, {client.CoresBusy:F2} cores busy (shares the machine with the server)");
        if (result.Machine is { } machine)
        {
            string others = result.ServerCpu is null && result.MeasuredCpu is null ? "other than the load generator" : "other than the measured processes and the load generator";
            Line(output, $"  machine CPU     {machine.CoresBusy:F2} of {machine.Cores} cores busy; {machine.OtherCoresBusy:F2} {others}");
        }

        output.WriteLine(result.Passed ? "PASS" : "FAIL");
    }

    public static void WriteJson(LoadResult result, TextWriter output) =>
        output.WriteLine(JsonSerializer.Serialize(result, Json));

    private static string PerEnrolment(CpuFigures cpu) =>
        cpu.MsPerEnrolment is double ms ? ms.ToString("F2", CultureInfo.InvariantCulture) + " ms" : "n/a (no enrolment)";

    private static void Line(TextWriter output, FormattableString text) => output.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    private static void WriteErrors(TextWriter output, string label, IReadOnlyDictionary<string, int> errors)
    {
        string text = errors.Count == 0 ? "none" : string.Join(", ", errors.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key} x{e.Value}")));
        output.WriteLine($"  {label,-15} {text}");
    }
}

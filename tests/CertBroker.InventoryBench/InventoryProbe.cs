using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace CertBroker.InventoryBench;

/// <summary>
/// Measures a running broker over a filled inventory: the expiry report streamed in full as CSV and JSON (time and
/// the broker's peak resident memory, VmHWM, reset before each through /proc/PID/clear_refs), metrics scrapes, and
/// inventory searches by serial and by subject text (sequential requests, latency percentiles).
/// </summary>
internal sealed class InventoryProbe(Uri baseAddress, string monitoringToken, string adminPassword, int pid, TextWriter output)
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) };

    /// <param name="metricsOnly">Scrapes only, without the reports and searches.</param>
    public async Task RunAsync(string databasePath, int samples, bool metricsOnly)
    {
        output.WriteLine("| Measurement | Result |");
        output.WriteLine("|---|---|");
        if (!metricsOnly)
        {
            await ReportAsync("Expiry report, CSV, all certificates", "/api/v1/reports/expiry?format=csv");
            await ReportAsync("Expiry report, JSON, all certificates", "/api/v1/reports/expiry?format=json");
            await ReportAsync("Expiry report, CSV, within=30d", "/api/v1/reports/expiry?format=csv&within=30d");
        }

        await ScrapesAsync();
        if (metricsOnly)
        {
            return;
        }

        (List<string> serials, List<string> names) = Sample(databasePath, samples);
        string auditorToken = await CreateTokenAsync();
        await LatencyAsync("Search by serial, GET /api/v1/certificates/{serial}", serials.Select(s => "/api/v1/certificates/" + s), auditorToken);
        await LatencyAsync("Search by subject text, GET /api/v1/certificates?q=<device name>", names.Select(n => "/api/v1/certificates?q=" + Uri.EscapeDataString(n)), auditorToken);
    }

    /// <summary>
    /// Scrapes with the broker's configured (by default, default) monitoring options: 11, the first a warm-up. Lines
    /// that are not comments are the series a Prometheus server stores per scrape.
    /// </summary>
    private async Task ScrapesAsync()
    {
        var scrapes = new List<double>();
        var scrapeCpu = new List<double>();
        long scrapeBytes = 0;
        long series = 0;
        for (int i = 0; i < 11; i++)
        {
            double cpu = CpuSeconds();
            (double seconds, long bytes, _, long samples) = await DownloadAsync("/metrics", monitoringToken);
            if (i > 0)
            {
                scrapes.Add(seconds);
                scrapeCpu.Add(CpuSeconds() - cpu);
            }

            scrapeBytes = bytes;
            series = samples;
        }

        scrapes.Sort();
        scrapeCpu.Sort();
        output.WriteLine(
            $"| Metrics scrape ({scrapes.Count} after a warm-up), {series:N0} series | median {scrapes[scrapes.Count / 2] * 1000:F1} ms (broker CPU {scrapeCpu[scrapeCpu.Count / 2] * 1000:F0} ms), " +
            $"max {scrapes[^1] * 1000:F1} ms, {scrapeBytes / 1000.0:N1} kB |");
    }

    private async Task ReportAsync(string label, string path)
    {
        ResetPeak();
        double cpu = CpuSeconds();
        (double seconds, long bytes, long lines, _) = await DownloadAsync(path, monitoringToken);
        cpu = CpuSeconds() - cpu;
        string records = path.Contains("format=csv", StringComparison.Ordinal) ? $", {lines - 1:N0} rows" : "";
        output.WriteLine($"| {label} | {seconds:F1} s (broker CPU {cpu:F1} s){records}, {bytes / 1_000_000.0:F0} MB, broker VmHWM {PeakMb():F0} MB |");
    }

    private async Task LatencyAsync(string label, IEnumerable<string> paths, string token)
    {
        var times = new List<double>();
        int found = 0;
        foreach (string path in paths)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            long started = Stopwatch.GetTimestamp();
            using HttpResponseMessage response = await _http.SendAsync(request);
            string body = await response.Content.ReadAsStringAsync();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.IsSuccessStatusCode && body.Length > 2)
            {
                found++;
            }
        }

        // The first tenth warms the JIT and the page cache up; the rest is measured.
        List<double> measured = [.. times.Skip(times.Count / 10).Order()];
        output.WriteLine(
            $"| {label} ({measured.Count} requests, {found}/{times.Count} found) | p50 {Percentile(measured, 0.5):F1} ms, p99 {Percentile(measured, 0.99):F1} ms, max {measured[^1]:F1} ms |");
    }

    /// <summary>Downloads a response, counting its bytes, its lines and the lines that do not start with <c>#</c>.</summary>
    private async Task<(double Seconds, long Bytes, long Lines, long Samples)> DownloadAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        long started = Stopwatch.GetTimestamp();
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using Stream body = await response.Content.ReadAsStreamAsync();
        byte[] buffer = new byte[128 * 1024];
        long bytes = 0;
        long lines = 0;
        long comments = 0;
        bool lineStart = true;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            bytes += read;
            foreach (byte b in buffer.AsSpan(0, read))
            {
                comments += lineStart && b == (byte)'#' ? 1 : 0;
                lineStart = b == (byte)'\n';
                lines += lineStart ? 1 : 0;
            }
        }

        return (Stopwatch.GetElapsedTime(started).TotalSeconds, bytes, lines, lines - comments);
    }

    private async Task<string> CreateTokenAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens")
        {
            Content = JsonContent.Create(new { name = $"inventory-bench-{Guid.NewGuid():N}", role = "Auditor" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + adminPassword)));
        using HttpResponseMessage response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
    }

    /// <summary>Random certificates' serials and their devices' names, read from the file before the measurements.</summary>
    private static (List<string> Serials, List<string> Names) Sample(string databasePath, int samples)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using SqliteCommand max = connection.CreateCommand();
        max.CommandText = "SELECT max(id) FROM certificates";
        long last = (long)max.ExecuteScalar()!;
        var random = new Random(11);
        var serials = new List<string>();
        var names = new List<string>();
        using SqliteCommand pick = connection.CreateCommand();
        pick.CommandText = "SELECT serial, subject FROM certificates WHERE id = @Id";
        SqliteParameter id = pick.Parameters.Add("@Id", SqliteType.Integer);
        while (serials.Count < samples)
        {
            id.Value = random.NextInt64(1, last + 1);
            using SqliteDataReader reader = pick.ExecuteReader();
            if (reader.Read())
            {
                serials.Add(reader.GetString(0));
                string subject = reader.GetString(1);
                // "CN=dev-0012345.site045.example.com, ..." -> "dev-0012345", what an admin types to find a device.
                names.Add(subject[3..subject.IndexOf('.', StringComparison.Ordinal)]);
            }
        }

        return (serials, names);
    }

    /// <summary>Writing 5 to clear_refs resets the peak resident set size (proc(5)), so each report gets its own peak.</summary>
    private void ResetPeak() => File.WriteAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/clear_refs", "5");

    private double PeakMb()
    {
        string status = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");
        string line = status.Split('\n').First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) / 1000.0;
    }

    /// <summary>
    /// The broker's user and system CPU time (utime and stime of /proc/PID/stat, in clock ticks of 1/100 s): what a
    /// measurement costs the broker whatever else the machine is running.
    /// </summary>
    private double CpuSeconds()
    {
        string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

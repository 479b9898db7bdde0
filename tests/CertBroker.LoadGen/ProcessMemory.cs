using System.Diagnostics;
using System.Globalization;

namespace CertBroker.LoadGen;

/// <summary>Resident memory of a process, read from Linux's /proc/PID/status (proc(5)).</summary>
public static class ProcessMemory
{
    /// <summary>VmRSS (resident now) and VmHWM (the most it was ever resident) in kB; null once the process is gone.</summary>
    public static (long RssKb, long HwmKb)? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status");
        }
        catch (IOException)
        {
            return null;
        }

        long? rss = Field(text, "VmRSS:");
        long? hwm = Field(text, "VmHWM:");
        return rss is long r && hwm is long h ? (r, h) : null;
    }

    /// <summary>The number on a "Name:   123 kB" line.</summary>
    public static long? Field(string status, string name)
    {
        int start = status.IndexOf(name, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += name.Length;
        int end = status.IndexOf('\n', start);
        string value = status[start..(end < 0 ? status.Length : end)].Trim();
        if (value.EndsWith(" kB", StringComparison.Ordinal))
        {
            value = value[..^3].TrimEnd();
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb : null;
    }
}

/// <summary>Samples a process's VmRSS at a fixed interval until stopped, with the time of each sample.</summary>
public sealed class MemorySampler
{
    private readonly List<(long Timestamp, long RssKb)> _samples = [];
    private readonly int _pid;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;

    public MemorySampler(int pid, TimeSpan interval, TimeProvider time)
    {
        _pid = pid;
        _interval = interval;
        _time = time;
    }

    /// <summary>Samples once now and then every interval until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            do
            {
                if (ProcessMemory.Read(_pid) is { } now)
                {
                    _samples.Add((Stopwatch.GetTimestamp(), now.RssKb));
                }
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // The timed run ended.
        }
    }

    /// <summary>
    /// Steady state is the median of the samples taken in the second half of [<paramref name="started"/>,
    /// <paramref name="ended"/>]: the first half still holds the server's growth from warm-up to full load.
    /// </summary>
    public MemoryFigures? Summarize(long started, long ended)
    {
        if (_samples.Count == 0)
        {
            return null;
        }

        long middle = started + ((ended - started) / 2);
        long[] late = [.. _samples.Where(s => s.Timestamp >= middle).Select(s => s.RssKb).Order()];
        if (late.Length == 0)
        {
            late = [_samples[^1].RssKb];
        }

        long? hwm = ProcessMemory.Read(_pid)?.HwmKb;
        return new MemoryFigures(
            _pid,
            _samples.Count,
            _interval.TotalMilliseconds,
            Megabytes(late[late.Length / 2]),
            Megabytes(_samples.Max(s => s.RssKb)),
            hwm is long h ? Megabytes(h) : null);
    }

    // /proc counts in kB of 1024 bytes; figures are reported in MB of 10^6 bytes.
    private static double Megabytes(long kb) => Math.Round(kb * 1024 / 1e6, 1);
}

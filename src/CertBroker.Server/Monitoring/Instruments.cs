using System.Collections.Concurrent;

namespace CertBroker.Server.Monitoring;

/// <summary>Up to three label values of one series; a value type, so looking a series up allocates nothing.</summary>
internal readonly record struct LabelValues(string First, string Second = "", string Third = "");

/// <summary>A metric family kept in memory and written at every scrape.</summary>
internal abstract class Instrument
{
    protected Instrument(string name, string help, string[] labelNames)
    {
        if (labelNames.Length > 3)
        {
            throw new ArgumentException("At most three labels.", nameof(labelNames));
        }

        Name = MetricNames.Check(name);
        Help = help;
        LabelNames = labelNames;
    }

    public string Name { get; }

    public string Help { get; }

    protected string[] LabelNames { get; }

    public abstract Task WriteAsync(PrometheusTextWriter writer);

    /// <summary>The label pairs of <paramref name="values"/>, plus <paramref name="extra"/> (a histogram's <c>le</c>).</summary>
    protected (string, string?)[] Labels(LabelValues values, (string, string?)? extra = null)
    {
        string[] all = [values.First, values.Second, values.Third];
        var labels = new List<(string, string?)>(LabelNames.Length + 1);
        for (int i = 0; i < LabelNames.Length; i++)
        {
            labels.Add((LabelNames[i], all[i]));
        }

        if (extra is { } pair)
        {
            labels.Add(pair);
        }

        return [.. labels];
    }
}

/// <summary>A counter (name ending in <c>_total</c>) per label combination, incremented with an interlocked add.</summary>
internal sealed class Counter : Instrument
{
    private readonly ConcurrentDictionary<LabelValues, StrongBox> _series = new();

    public Counter(string name, string help, params string[] labelNames)
        : base(name, help, labelNames)
    {
        if (!name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Counter {name} must end in _total.", nameof(name));
        }
    }

    public void Increment(LabelValues labels) =>
        Interlocked.Increment(ref (_series.TryGetValue(labels, out StrongBox? box) ? box : _series.GetOrAdd(labels, _ => new StrongBox())).Value);

    public long Value(LabelValues labels) => _series.TryGetValue(labels, out StrongBox? box) ? Interlocked.Read(ref box.Value) : 0;

    public override async Task WriteAsync(PrometheusTextWriter writer)
    {
        await writer.FamilyAsync(Name, "counter", Help).ConfigureAwait(false);
        foreach ((LabelValues labels, StrongBox box) in _series.OrderBy(s => s.Key.First).ThenBy(s => s.Key.Second).ThenBy(s => s.Key.Third))
        {
            await writer.SampleAsync(Name, Labels(labels), Interlocked.Read(ref box.Value)).ConfigureAwait(false);
        }
    }

    private sealed class StrongBox
    {
        public long Value;
    }
}

/// <summary>
/// A histogram per label combination (name ending in <c>_seconds</c> or <c>_bytes</c>): bucket counts, sum and count
/// kept with interlocked operations; buckets are written cumulatively with a final <c>+Inf</c>.
/// </summary>
internal sealed class Histogram : Instrument
{
    private readonly double[] _bounds;
    private readonly ConcurrentDictionary<LabelValues, Cells> _series = new();

    public Histogram(string name, string help, double[] bounds, params string[] labelNames)
        : base(name, help, labelNames)
    {
        if (bounds.Length == 0 || bounds.Zip(bounds.Skip(1)).Any(pair => pair.First >= pair.Second))
        {
            throw new ArgumentException("Bucket bounds must be given in increasing order.", nameof(bounds));
        }

        _bounds = bounds;
    }

    public void Observe(LabelValues labels, double value)
    {
        Cells cells = _series.TryGetValue(labels, out Cells? found) ? found : _series.GetOrAdd(labels, _ => new Cells(_bounds.Length));
        int bucket = Array.BinarySearch(_bounds, value);
        // Upper bounds are inclusive (le): an exact hit lands in its own bucket, otherwise the next larger one.
        Interlocked.Increment(ref cells.Buckets[bucket >= 0 ? bucket : ~bucket]);
        Interlocked.Increment(ref cells.Count);
        double current = Volatile.Read(ref cells.Sum);
        while (Interlocked.CompareExchange(ref cells.Sum, current + value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    public override async Task WriteAsync(PrometheusTextWriter writer)
    {
        await writer.FamilyAsync(Name, "histogram", Help).ConfigureAwait(false);
        foreach ((LabelValues labels, Cells cells) in _series.OrderBy(s => s.Key.First).ThenBy(s => s.Key.Second).ThenBy(s => s.Key.Third))
        {
            // Observations may land while this runs: +Inf and _count are written as one number, at least the sum of
            // the buckets read, so the buckets stay cumulative.
            long running = 0;
            for (int i = 0; i < _bounds.Length; i++)
            {
                running += Interlocked.Read(ref cells.Buckets[i]);
                await writer.SampleAsync(Name + "_bucket", Labels(labels, ("le", PrometheusTextWriter.Format(_bounds[i]))), running).ConfigureAwait(false);
            }

            running += Interlocked.Read(ref cells.Buckets[_bounds.Length]);
            long count = Math.Max(running, Interlocked.Read(ref cells.Count));
            await writer.SampleAsync(Name + "_bucket", Labels(labels, ("le", "+Inf")), count).ConfigureAwait(false);
            await writer.SampleAsync(Name + "_sum", Labels(labels), Volatile.Read(ref cells.Sum)).ConfigureAwait(false);
            await writer.SampleAsync(Name + "_count", Labels(labels), count).ConfigureAwait(false);
        }
    }

    private sealed class Cells(int bounds)
    {
        public readonly long[] Buckets = new long[bounds + 1];
        public long Count;
        public double Sum;
    }
}

/// <summary>Metric and label names as Prometheus allows them: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
internal static class MetricNames
{
    public static string Check(string name)
    {
        bool valid = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':')
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');
        return valid ? name : throw new ArgumentException($"'{name}' is not a valid metric name.", nameof(name));
    }
}

namespace CertBroker.Server.Monitoring;

/// <summary>Writes figures computed at scrape time (inventory counts, CA expiry) as gauge families.</summary>
internal interface IMetricsCollector
{
    Task CollectAsync(PrometheusTextWriter writer, CancellationToken cancellationToken);
}

/// <summary>
/// Everything <c>/metrics</c> shows: the instruments kept in memory (SCEP counters and durations) followed by the
/// collectors, each family once with its HELP and TYPE.
/// </summary>
internal sealed class MetricsRegistry(ScepMetrics scep, IEnumerable<IMetricsCollector> collectors)
{
    private readonly Instrument[] _instruments = [scep.Requests, scep.Duration];
    private readonly IMetricsCollector[] _collectors = [.. collectors];

    public async Task WriteAsync(PrometheusTextWriter writer, CancellationToken cancellationToken)
    {
        foreach (Instrument instrument in _instruments)
        {
            await instrument.WriteAsync(writer).ConfigureAwait(false);
        }

        foreach (IMetricsCollector collector in _collectors)
        {
            await collector.CollectAsync(writer, cancellationToken).ConfigureAwait(false);
        }
    }
}

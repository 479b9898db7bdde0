using CertBroker.Core.Inventory;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Hosting;

/// <summary>How often the inventory's text index catches up with new certificates (CertBroker:Storage:SearchIndex).</summary>
internal sealed class SearchIndexOptions
{
    public const string SectionName = "CertBroker:Storage:SearchIndex";

    /// <summary>Pause between catch-up rounds. Default 2 seconds; a search is complete whatever the lag.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Certificates indexed per transaction. Default 2000: long enough to be cheap, short enough not to hold enrolments up.</summary>
    public int BatchSize { get; set; } = 2000;
}

/// <summary>
/// Indexes newly stored certificates for inventory search in batches, off the enrolment path: indexing them one
/// enrolment at a time cost each enrolment several times more. Each round indexes until the index has caught up.
/// </summary>
internal sealed partial class SearchIndexer(
    IInventorySearchIndex index, IOptions<SearchIndexOptions> options, TimeProvider time, ILogger<SearchIndexer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        SearchIndexOptions settings = options.Value;
        using var timer = new PeriodicTimer(settings.Interval, time);
        do
        {
            try
            {
                await CatchUpAsync(settings.BatchSize, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    internal async Task<long> CatchUpAsync(int batchSize, CancellationToken cancellationToken)
    {
        long total = 0;
        int indexed;
        do
        {
            indexed = await index.IndexPendingAsync(batchSize, cancellationToken).ConfigureAwait(false);
            total += indexed;
        }
        while (indexed == batchSize);

        if (total > batchSize)
        {
            LogCaughtUp(total);
        }

        return total;
    }

    [LoggerMessage(EventId = 380, Level = LogLevel.Information, Message = "Inventory search index caught up with {Count} certificates")]
    private partial void LogCaughtUp(long count);

    [LoggerMessage(EventId = 381, Level = LogLevel.Warning, Message = "Indexing certificates for inventory search failed; searches stay complete and the next round retries")]
    private partial void LogFailed(Exception exception);
}

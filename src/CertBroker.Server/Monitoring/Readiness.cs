using CertBroker.Core.Backends;
using CertBroker.Core.Storage;

namespace CertBroker.Server.Monitoring;

/// <summary>
/// Whether this node should get traffic: the database answers a trivial query within <see cref="ProbeTimeout"/> and
/// the CA and RA material is loaded. The answer is kept for <see cref="CacheFor"/>, and concurrent callers share one
/// probe, so balancers polling every node often cannot load the database. Changes are logged with the reason; the
/// HTTP answer carries none.
/// </summary>
internal sealed partial class Readiness(
    IStoreProbe store, ICertificateIssuer issuer, IRegistrationAuthority ra, TimeProvider time, ILogger<Readiness> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _checkedAt;
    private bool _hasResult;
    private bool _ready;

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        if (Cached() is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Cached() is { } fresh)
            {
                return fresh;
            }

            // The probe is not tied to the caller: a balancer that hangs up still leaves a result for the next poll.
            string? problem = await CheckAsync().ConfigureAwait(false);
            bool ready = problem is null;
            if (ready != _ready || !_hasResult)
            {
                if (ready)
                {
                    LogReady();
                }
                else
                {
                    LogNotReady(problem!);
                }
            }

            _ready = ready;
            _checkedAt = time.GetTimestamp();
            _hasResult = true;
            return ready;
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool? Cached() =>
        _hasResult && time.GetElapsedTime(Volatile.Read(ref _checkedAt)) < CacheFor ? _ready : null;

    /// <returns>Null when ready, otherwise why not (for the log only).</returns>
    private async Task<string?> CheckAsync()
    {
        try
        {
            if (issuer.CaChain.Count == 0 || !ra.SigningCertificate.HasPrivateKey || !ra.EncryptionCertificate.HasPrivateKey)
            {
                return "the CA or RA material is not loaded";
            }
        }
        catch (Exception ex)
        {
            return $"the CA or RA material cannot be read ({ex.GetType().Name}: {ex.Message})";
        }

        using var timeout = new CancellationTokenSource(ProbeTimeout, time);
        try
        {
            await store.ProbeAsync(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return $"the database did not answer within {ProbeTimeout.TotalSeconds:0.#} s";
        }
        catch (Exception ex)
        {
            return $"the database did not answer ({ex.GetType().Name}: {ex.Message})";
        }
    }

    [LoggerMessage(EventId = 390, Level = LogLevel.Information, Message = "Ready for traffic")]
    private partial void LogReady();

    [LoggerMessage(EventId = 391, Level = LogLevel.Warning, Message = "Not ready for traffic: {Reason}")]
    private partial void LogNotReady(string reason);
}

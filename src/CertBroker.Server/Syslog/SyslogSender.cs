using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using CertBroker.Core.Audit;

namespace CertBroker.Server.Syslog;

/// <summary>
/// Streams events to the syslog collector without ever holding up the caller. <see cref="TryEnqueue"/> puts an event
/// in a bounded buffer and returns at once; one background loop formats, batches and sends, reconnecting with
/// exponential backoff while the collector is down. When the buffer is full the oldest event is dropped: the SIEM
/// follows what happens now, and the gap shows in <see cref="Dropped"/> and in the log. Delivery is at least once
/// across reconnects: a batch that failed part-way is sent again whole, so the collector may see a few duplicates.
/// </summary>
/// <remarks>
/// Same shape as a hosted service: the host calls <see cref="StartAsync"/> at start-up and <see cref="StopAsync"/> at
/// shutdown, which sends what it can within <see cref="SyslogOptions.ShutdownTimeout"/>.
/// </remarks>
public sealed class SyslogSender : IAsyncDisposable
{
    // One batch is at most this many messages or octets; it is also what may be held besides the buffer after a failed send.
    private const int MaxBatchMessages = 256;
    private const int MaxBatchBytes = 64 * 1024;

    private readonly SyslogOptions _options;
    private readonly SyslogOrigin _origin;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SyslogSender> _logger;
    private readonly Channel<SyslogEvent> _buffer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly string _collector;
    private readonly object _stopGate = new();
    private Task? _loop;
    private Task? _stop;
    private long _sent;
    private long _dropped;

    public SyslogSender(IOptions<SyslogOptions> options, TimeProvider timeProvider, ILogger<SyslogSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _origin = SyslogOrigin.FromOptions(_options);
        _timeProvider = timeProvider;
        _logger = logger;
        _collector = $"{_options.Host}:{_options.EffectivePort}";
        _buffer = Channel.CreateBounded<SyslogEvent>(
            new BoundedChannelOptions(Math.Max(1, _options.BufferCapacity))
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
                // Producers are enrolment requests: the loop must never run on their thread.
                AllowSynchronousContinuations = false,
            },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>
    /// Messages written to the collector's connection (TCP, TLS) or handed to the network (UDP). Neither transport
    /// acknowledges, so a connection that breaks right after a write may still lose what was counted here.
    /// </summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Events lost: pushed out of a full buffer, offered after shutdown began, or still unsent when shutdown ended.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events waiting in the buffer.</summary>
    public int Buffered => _buffer.Reader.Count;

    /// <summary>
    /// Queues an event for the collector without blocking. False when syslog is disabled or the sender is shutting
    /// down (the event is then counted as dropped). When the buffer is full the oldest waiting event makes room.
    /// </summary>
    public bool TryEnqueue(SyslogEvent syslogEvent)
    {
        ArgumentNullException.ThrowIfNull(syslogEvent);
        if (!_options.Enabled)
        {
            return false;
        }

        if (_buffer.Writer.TryWrite(syslogEvent))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>Starts the background loop; does nothing when syslog is disabled.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return Task.CompletedTask;
        }

        if (_loop is not null)
        {
            throw new InvalidOperationException("The syslog sender is already started.");
        }

        _logger.LogInformation(
            "Sending audit events to syslog collector {Collector} over {Transport}, buffering up to {BufferCapacity} events",
            _collector, _options.Transport, _options.BufferCapacity);
        _loop = Task.Run(() => RunAsync(_abort.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops accepting events and sends what is buffered, for at most <see cref="SyslogOptions.ShutdownTimeout"/> or
    /// until <paramref name="cancellationToken"/> fires; whatever is left is counted as dropped.
    /// </summary>
    /// <remarks>
    /// Safe to call more than once, also after <see cref="DisposeAsync"/>: later calls wait for the first. A web host
    /// can stop its hosted services twice, once when its run ends and once when its owner disposes it.
    /// </remarks>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _buffer.Writer.TryComplete();
        if (_loop is null)
        {
            return Task.CompletedTask;
        }

        lock (_stopGate)
        {
            return _stop ??= StopLoopAsync(_loop, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_loop is not null)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _stopping.Dispose();
        _abort.Dispose();
    }

    private async Task StopLoopAsync(Task loop, CancellationToken cancellationToken)
    {
        // Cuts any backoff wait short: with the collector still down the loop gives up after one more failure.
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.WaitAsync(_options.ShutdownTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            await loop.ConfigureAwait(false);
        }

        _logger.LogInformation("Syslog sender stopped: {Sent} messages sent, {Dropped} events dropped", Sent, Dropped);
    }

    private async Task RunAsync(CancellationToken abort)
    {
        var batch = new List<byte[]>();
        SyslogConnection? connection = null;
        TimeSpan retryDelay = _options.ReconnectDelay;
        int failures = 0;
        int failuresWhileStopping = 0;
        try
        {
            while (batch.Count > 0 || await _buffer.Reader.WaitToReadAsync(abort).ConfigureAwait(false))
            {
                try
                {
                    if (connection is null || !connection.IsOpen)
                    {
                        // Events stay in the buffer until a connection exists, so the buffer alone bounds the backlog.
                        await CloseAsync(connection).ConfigureAwait(false);
                        connection = null;
                        connection = await WithTimeoutAsync(ct => SyslogConnection.OpenAsync(_options, ct), abort).ConfigureAwait(false);
                        _logger.LogDebug("Connected to syslog collector {Collector}", _collector);
                    }

                    FillBatch(batch);
                    await WithTimeoutAsync(ct => connection.SendAsync(batch, ct), abort).ConfigureAwait(false);
                    Interlocked.Add(ref _sent, batch.Count);
                    batch.Clear();
                }
                catch (Exception e) when (IsCollectorFailure(e, abort))
                {
                    await CloseAsync(connection).ConfigureAwait(false);
                    connection = null;
                    failures++;
                    if (_stopping.IsCancellationRequested && ++failuresWhileStopping > 1)
                    {
                        _logger.LogWarning(e, "Syslog collector {Collector} unreachable at shutdown", _collector);
                        break;
                    }

                    LogFailure(e, failures, retryDelay);
                    await WaitAsync(retryDelay).ConfigureAwait(false);
                    retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                    continue;
                }

                if (failures > 0)
                {
                    _logger.LogInformation(
                        "Syslog collector {Collector} reachable again after {Failures} failed attempts; {Dropped} events dropped so far",
                        _collector, failures, Dropped);
                    failures = 0;
                    retryDelay = _options.ReconnectDelay;
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Shutdown ran out of time; what is left is counted below.
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Syslog sender failed; no more audit events go to {Collector}", _collector);
            throw;
        }
        finally
        {
            await CloseAsync(connection).ConfigureAwait(false);
            CountUnsent(batch);
        }
    }

    private void FillBatch(List<byte[]> batch)
    {
        int bytes = batch.Sum(m => m.Length);
        int maxBytes = _options.EffectiveMaxMessageBytes;
        while (batch.Count < MaxBatchMessages && bytes < MaxBatchBytes && _buffer.Reader.TryRead(out SyslogEvent? next))
        {
            byte[] message = SyslogMessage.Format(next, _origin, maxBytes);
            batch.Add(message);
            bytes += message.Length;
        }
    }

    private void CountUnsent(List<byte[]> batch)
    {
        long unsent = batch.Count;
        while (_buffer.Reader.TryRead(out _))
        {
            unsent++;
        }

        if (unsent > 0)
        {
            Interlocked.Add(ref _dropped, unsent);
            _logger.LogWarning(
                "{Unsent} events were not sent to syslog collector {Collector} before shutdown", unsent, _collector);
        }
    }

    private void LogFailure(Exception e, int failures, TimeSpan retryDelay)
    {
        // One warning per outage; the retries that follow would otherwise fill the log while the collector is down.
        if (failures == 1)
        {
            _logger.LogWarning(
                e,
                "Syslog collector {Collector} unreachable; buffering up to {BufferCapacity} events and retrying in {RetryDelay}",
                _collector, _options.BufferCapacity, retryDelay);
        }
        else
        {
            _logger.LogDebug(
                "Syslog collector {Collector} still unreachable after {Failures} attempts ({Error}); retrying in {RetryDelay}",
                _collector, failures, e.Message, retryDelay);
        }
    }

    private async Task WaitAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutdown: try once more at once instead of waiting.
        }
    }

    private async Task<T> WithTimeoutAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken abort)
    {
        using var timeout = new CancellationTokenSource(_options.NetworkTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(abort, timeout.Token);
        try
        {
            return await operation(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            throw new TimeoutException($"No answer from the syslog collector within {_options.NetworkTimeout}.");
        }
    }

    private Task WithTimeoutAsync(Func<CancellationToken, Task> operation, CancellationToken abort) =>
        WithTimeoutAsync(
            async ct =>
            {
                await operation(ct).ConfigureAwait(false);
                return true;
            },
            abort);

    private static bool IsCollectorFailure(Exception e, CancellationToken abort) =>
        e is SocketException or IOException or AuthenticationException or TimeoutException or CryptographicException
            or UnauthorizedAccessException
        || (e is OperationCanceledException && !abort.IsCancellationRequested);

    private static async Task CloseAsync(SyslogConnection? connection)
    {
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}

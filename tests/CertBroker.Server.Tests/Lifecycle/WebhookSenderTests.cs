using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CertBroker.Core.Model;
using CertBroker.Core.Renewal;
using CertBroker.Server.Tests.Support;
using CertBroker.Server.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Tests.Lifecycle;

/// <summary>The webhook against a real HTTP listener on loopback that fails on purpose before it accepts.</summary>
public sealed class WebhookSenderTests : IDisposable
{
    private const string Secret = "0123456789abcdef0123456789abcdef-webhook-test";

    private readonly HttpListener _listener = new();
    private readonly string _url;
    private readonly HttpClient _http = new();

    public WebhookSenderTests()
    {
        _url = $"http://127.0.0.1:{LoopbackPort.Free()}/hooks/certbroker/";
        _listener.Prefixes.Add(_url);
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Close();
        _http.Dispose();
    }

    [Fact]
    public async Task DeliverAsync_ReceiverFailsTwiceThenAccepts_RetriesWithDoublingBackoffAndDeliversTheEvents()
    {
        Task<List<Received>> receiving = ReceiveAsync([503, 500, 204]);
        var clock = new RecordingTimeProvider();
        WebhookSender sender = Sender(new WebhookOptions { Url = _url, Secret = Secret, InitialBackoffMilliseconds = 200, MaxAttempts = 5 }, clock);

        WebhookDelivery delivered = await sender.DeliverAsync(Payload("0a1b2c"), CancellationToken.None);

        List<Received> requests = await receiving;
        Assert.Equal(WebhookDelivery.Delivered, delivered);
        Assert.Equal(3, requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)], clock.Waits);
        using JsonDocument body = JsonDocument.Parse(requests[2].Body);
        JsonElement e = Assert.Single(body.RootElement.GetProperty("events").EnumerateArray());
        Assert.Equal(("certificate.renewal-due", "0a1b2c"), (e.GetProperty("type").GetString(), e.GetProperty("serial").GetString()));
    }

    [Fact]
    public async Task DeliverAsync_ReceiverAlwaysFails_StopsAfterMaxAttempts()
    {
        Task<List<Received>> receiving = ReceiveAsync([503, 503, 503]);
        WebhookSender sender = Sender(new WebhookOptions { Url = _url, Secret = Secret, InitialBackoffMilliseconds = 10, MaxAttempts = 3 });

        Assert.Equal(WebhookDelivery.GaveUp, await sender.DeliverAsync(Payload("0a1b2c"), CancellationToken.None));

        Assert.Equal(3, (await receiving).Count);
    }

    [Fact]
    public async Task DeliverAsync_ReceiverRejectsTheBody_DoesNotRetry()
    {
        Task<List<Received>> receiving = ReceiveAsync([400]);
        WebhookSender sender = Sender(new WebhookOptions { Url = _url, Secret = Secret, InitialBackoffMilliseconds = 10, MaxAttempts = 5 });

        Assert.Equal(WebhookDelivery.Rejected, await sender.DeliverAsync(Payload("0a1b2c"), CancellationToken.None));

        Assert.Single(await receiving);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<Exception>(() => _listener.GetContextAsync().WaitAsync(cts.Token));
    }

    [Fact]
    public async Task DeliverAsync_AnyDelivery_CarriesATimestampedHmacOfTheExactBodyTheReceiverCanVerify()
    {
        Task<List<Received>> receiving = ReceiveAsync([204]);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 21, 0, 0, TimeSpan.Zero));
        WebhookSender sender = Sender(new WebhookOptions { Url = _url, Secret = Secret }, clock);

        Assert.Equal(WebhookDelivery.Delivered, await sender.DeliverAsync(Payload("0a1b2c"), CancellationToken.None));

        Received request = Assert.Single(await receiving);
        // What the documentation tells receivers to do, step by step.
        string[] parts = request.Signature!.Split(',');
        Assert.Equal(2, parts.Length);
        Assert.StartsWith("t=", parts[0], StringComparison.Ordinal);
        Assert.StartsWith("v1=", parts[1], StringComparison.Ordinal);
        long timestamp = long.Parse(parts[0][2..], CultureInfo.InvariantCulture);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds(), timestamp);
        byte[] expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), (byte[])[.. Encoding.ASCII.GetBytes($"{timestamp}."), .. request.BodyBytes]);
        Assert.True(CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts[1][3..])));
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
    }

    [Fact]
    public async Task DeliverAsync_BodyChangedInTransit_SignatureNoLongerMatches()
    {
        Task<List<Received>> receiving = ReceiveAsync([204]);
        WebhookSender sender = Sender(new WebhookOptions { Url = _url, Secret = Secret });

        await sender.DeliverAsync(Payload("0a1b2c"), CancellationToken.None);

        Received request = Assert.Single(await receiving);
        string timestamp = request.Signature!.Split(',')[0][2..];
        byte[] tampered = Encoding.UTF8.GetBytes(request.Body.Replace("0a1b2c", "ffffff", StringComparison.Ordinal));
        Assert.NotEqual(request.Signature, WebhookSignature.Create(Secret, DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, CultureInfo.InvariantCulture)), tampered));
        Assert.Equal(request.Signature, WebhookSignature.Create(Secret, DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, CultureInfo.InvariantCulture)), request.BodyBytes));
    }

    [Fact]
    public async Task DeliverAsync_ReceiverRedirects_DoesNotFollowAndKeepsTheBatch()
    {
        // The broker's own registration of the client, not a hand-made one: the handler is what this is about.
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(new WebhookOptions { Url = _url, Secret = Secret, InitialBackoffMilliseconds = 10, MaxAttempts = 2 }));
        WebhookSender.ConfigureHttpClient(services.AddHttpClient<WebhookSender>());
        await using ServiceProvider provider = services.BuildServiceProvider();
        WebhookSender sender = provider.GetRequiredService<WebhookSender>();
        Task<List<Received>> receiving = ReceiveAsync([302, 307], location: _url + "elsewhere");

        WebhookDelivery result = await sender.DeliverAsync(Payload("0a1b2c"), CancellationToken.None);

        Assert.Equal(WebhookDelivery.GaveUp, result);
        List<Received> requests = await receiving;
        Assert.All(requests, r => Assert.Equal("/hooks/certbroker/", r.Path));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<Exception>(() => _listener.GetContextAsync().WaitAsync(cts.Token));
    }

    [Fact]
    public void Backoff_ManyAttempts_DoublesUpToTheCap()
    {
        var settings = new WebhookOptions { InitialBackoffMilliseconds = 1000, MaxBackoffMilliseconds = 5000 };

        Assert.Equal([1000, 2000, 4000, 5000, 5000], Enumerable.Range(1, 5).Select(a => WebhookSender.Backoff(settings, a).TotalMilliseconds));
    }

    private WebhookSender Sender(WebhookOptions options, TimeProvider? time = null) =>
        new(_http, Options.Create(options), time ?? TimeProvider.System, NullLogger<WebhookSender>.Instance);

    private static WebhookPayload Payload(string serial) => new([WebhookEvent.From(new RenewalEvent(
        RenewalEventTypes.RenewalDue,
        DateTimeOffset.UtcNow,
        new RenewalTransition(1, serial, "default", "CN=door-7", 3, DateTimeOffset.UtcNow.AddDays(60), DateTimeOffset.UtcNow, RenewalState.Due)))]);

    /// <summary>Answers one request per status, in order, recording when each arrived and what it carried.</summary>
    private async Task<List<Received>> ReceiveAsync(int[] statuses, string? location = null)
    {
        var received = new List<Received>();
        foreach (int status in statuses)
        {
            HttpListenerContext context = await _listener.GetContextAsync();
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            received.Add(new Received(
                buffer.ToArray(), context.Request.Headers["X-CertBroker-Signature"], context.Request.ContentType, context.Request.Url!.AbsolutePath));
            context.Response.StatusCode = status;
            if (location is not null)
            {
                context.Response.RedirectLocation = location;
            }

            context.Response.Close();
        }

        return received;
    }

    private sealed record Received(byte[] BodyBytes, string? Signature, string? ContentType, string Path)
    {
        public string Body => Encoding.UTF8.GetString(BodyBytes);
    }

    /// <summary>The system clock, noting every one-shot wait asked of it: the backoff the sender chose, not the time a busy machine took.</summary>
    private sealed class RecordingTimeProvider : TimeProvider
    {
        private readonly List<TimeSpan> _waits = [];

        public IReadOnlyList<TimeSpan> Waits
        {
            get
            {
                lock (_waits)
                {
                    return [.. _waits];
                }
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (period == Timeout.InfiniteTimeSpan)
            {
                lock (_waits)
                {
                    _waits.Add(dueTime);
                }
            }

            return System.CreateTimer(callback, state, dueTime, period);
        }
    }
}

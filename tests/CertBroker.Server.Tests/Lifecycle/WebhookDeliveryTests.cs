using System.Net;
using System.Text.Json;
using CertBroker.Core.Renewal;
using CertBroker.Server.Tests.Support;
using CertBroker.Server.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Lifecycle;

/// <summary>
/// The webhook's delivery across a restart of the broker: events the sweep wrote while the receiver was down are
/// read back from the audit trail by the next start and delivered, from the position the first one stored.
/// </summary>
public sealed class WebhookDeliveryTests : IDisposable
{
    private const string Secret = "webhook-delivery-test-secret-0123456789";

    private readonly HttpListener _listener = new();
    private readonly int _port = LoopbackPort.Free();
    private readonly TempDirectory _data = new();

    public void Dispose()
    {
        _listener.Close();
        _data.Dispose();
    }

    [Fact]
    public async Task Sweep_ReceiverDownUntilTheBrokerRestarts_TheNextStartDeliversTheEvents()
    {
        const string Serial = "5eed0001";
        await using (BrokerFactory first = Broker())
        {
            using HttpClient started = first.CreateClient();
            // A first start with a webhook begins at the newest event; wait until it has, so the sweep's event is after.
            var events = first.Services.GetRequiredService<IRenewalEventLog>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await events.GetPositionAsync(WebhookQueue.ConsumerName, timeout.Token) is null)
            {
                await Task.Delay(20, timeout.Token);
            }

            using (var seed = new InventorySeed(_data.Path))
            {
                seed.Add(new SeedCertificate(Serial, DateTimeOffset.UtcNow.AddDays(60)) { RenewalDueAt = DateTimeOffset.UtcNow.AddHours(-1) });
            }

            await first.Services.GetRequiredService<RenewalSweep>().SweepAsync(CancellationToken.None);
            // Nothing listens on the webhook's port while this broker runs: every attempt fails.
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/hooks/");
        _listener.Start();
        await using BrokerFactory second = Broker();
        using HttpClient restarted = second.CreateClient();

        HttpListenerContext context = await _listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(60));
        using var reader = new StreamReader(context.Request.InputStream);
        string body = await reader.ReadToEndAsync();
        string? signature = context.Request.Headers[WebhookSignature.HeaderName];
        context.Response.StatusCode = 204;
        context.Response.Close();

        Assert.NotNull(signature);
        Assert.Equal(
            signature,
            WebhookSignature.Create(Secret, DateTimeOffset.FromUnixTimeSeconds(long.Parse(signature.Split(',')[0][2..], System.Globalization.CultureInfo.InvariantCulture)), System.Text.Encoding.UTF8.GetBytes(body)));
        using JsonDocument payload = JsonDocument.Parse(body);
        JsonElement e = Assert.Single(payload.RootElement.GetProperty("events").EnumerateArray());
        Assert.Equal((RenewalEventTypes.RenewalDue, Serial), (e.GetProperty("type").GetString(), e.GetProperty("serial").GetString()));
    }

    private BrokerFactory Broker()
    {
        var factory = new BrokerFactory();
        factory.Settings["CertBroker:DataDir"] = _data.Path;
        factory.Settings["CertBroker:Webhook:Url"] = $"http://127.0.0.1:{_port}/hooks/";
        factory.Settings["CertBroker:Webhook:Secret"] = Secret;
        factory.Settings["CertBroker:Webhook:MaxAttempts"] = "1";
        factory.Settings["CertBroker:Webhook:InitialBackoffMilliseconds"] = "50";
        factory.Settings["CertBroker:Webhook:MaxBackoffMilliseconds"] = "100";
        return factory;
    }
}

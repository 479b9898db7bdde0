using System.Net;
using CertBroker.Core.Renewal;
using CertBroker.Server.Tests.Support;
using CertBroker.Server.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Lifecycle;

/// <summary>A webhook URL with a secret in its path never reaches the log file, even with every source at Debug.</summary>
public sealed class WebhookLoggingTests : IDisposable
{
    private const string PathSecret = "s3cr3t-path-T0K3N";

    private readonly HttpListener _listener = new();
    private readonly int _port = LoopbackPort.Free();

    public void Dispose() => _listener.Close();

    [Fact]
    public async Task Delivery_UrlWithSecretPathAndDebugLogging_SecretInNoLogLine()
    {
        string url = $"http://127.0.0.1:{_port}/hooks/{PathSecret}/";
        _listener.Prefixes.Add(url);
        _listener.Start();
        await using var broker = new BrokerFactory();
        broker.Settings["CertBroker:Webhook:Url"] = url + "?key=" + PathSecret;
        broker.Settings["CertBroker:Webhook:Secret"] = "webhook-logging-test-secret-0123456789";
        broker.Settings["Serilog:MinimumLevel:Default"] = "Debug";
        using HttpClient started = broker.CreateClient();
        var events = broker.Services.GetRequiredService<IRenewalEventLog>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await events.GetPositionAsync(WebhookQueue.ConsumerName, timeout.Token) is null)
        {
            await Task.Delay(20, timeout.Token);
        }

        long start = (await events.GetPositionAsync(WebhookQueue.ConsumerName, timeout.Token))!.Value;
        using (var seed = new InventorySeed(broker.DataDir))
        {
            seed.Add(new SeedCertificate("5eed0042", DateTimeOffset.UtcNow.AddDays(60)) { RenewalDueAt = DateTimeOffset.UtcNow.AddHours(-1) });
        }

        await broker.Services.GetRequiredService<RenewalSweep>().SweepAsync(CancellationToken.None);
        HttpListenerContext context = await _listener.GetContextAsync().WaitAsync(timeout.Token);
        context.Response.StatusCode = 204;
        context.Response.Close();

        // The position moves once the delivery, and whatever it logs, is over.
        while (await events.GetPositionAsync(WebhookQueue.ConsumerName, timeout.Token) == start)
        {
            await Task.Delay(20, timeout.Token);
        }

        string log = string.Concat(Directory.GetFiles(Path.Combine(broker.DataDir, "logs")).Select(ReadShared));
        Assert.Contains("Debug", log, StringComparison.Ordinal);
        Assert.DoesNotContain(PathSecret, log, StringComparison.Ordinal);
    }

    /// <summary>A log file the running broker still writes to.</summary>
    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

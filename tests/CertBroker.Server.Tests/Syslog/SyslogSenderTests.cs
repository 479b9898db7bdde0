using System.Globalization;
using CertBroker.Server.Syslog;
using CertBroker.Server.Tests.Support;
using static CertBroker.Server.Tests.Syslog.SyslogTesting;

namespace CertBroker.Server.Tests.Syslog;

/// <summary>The sender against real collectors on loopback, over UDP and plain TCP.</summary>
public sealed class SyslogSenderTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 14, 9, 26, 53, TimeSpan.Zero).AddTicks(1_234_567));

    [Fact]
    public async Task TryEnqueue_UdpCollector_ReceivesOneDatagramWithEveryField()
    {
        using var collector = new UdpSyslogCollector();
        await using SyslogSender sender = await StartSenderAsync(collector.Port, o => o.Facility = SyslogFacility.Local4);
        var rejected = new SyslogEvent
        {
            Timestamp = _clock.GetUtcNow(),
            Severity = SyslogSeverity.Warning,
            MessageId = "EnrolmentRejected",
            Message = "Enrolment rejected: wrong challenge password",
            Fields = new Dictionary<string, string?>
            {
                ["event"] = "EnrolmentRejected",
                ["actor"] = "10.1.2.3",
                ["outcome"] = "failure",
                ["profile"] = "vpn",
                ["transactionId"] = "9F86D081884C7D65",
                ["subject"] = "CN=vpn-gw-01, O=Example",
                ["reason"] = "BadChallenge",
            },
        };

        Assert.True(sender.TryEnqueue(rejected));
        ParsedSyslogMessage message = ParsedSyslogMessage.Parse(await collector.ReceiveAsync());

        Assert.Equal((20 * 8) + 4, message.Priority);
        Assert.Equal("2026-03-14T09:26:53.123456Z", message.Timestamp);
        Assert.Equal("broker01.example.net", message.Hostname);
        Assert.Equal("certbroker", message.AppName);
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), message.ProcId);
        Assert.Equal("EnrolmentRejected", message.MessageId);
        Assert.Equal("certbroker@32473", message.SdId);
        Assert.Equal(rejected.Fields.Select(f => KeyValuePair.Create(f.Key, f.Value!)), message.Parameters);
        Assert.True(message.MessageHasBom);
        Assert.Equal("Enrolment rejected: wrong challenge password", message.Message);
        await WaitUntilAsync(() => sender.Sent == 1, "the datagram is counted as sent");
    }

    [Fact]
    public async Task TryEnqueue_UdpMessageOverLimit_ArrivesCutToMaxMessageBytes()
    {
        using var collector = new UdpSyslogCollector();
        await using SyslogSender sender = await StartSenderAsync(collector.Port, o => o.MaxMessageBytes = 1024);
        SyslogEvent verbose = Event(1, _clock.GetUtcNow()) with { Message = new string('x', 5000) };

        sender.TryEnqueue(verbose);
        byte[] datagram = await collector.ReceiveAsync();

        Assert.Equal(1024, datagram.Length);
        ParsedSyslogMessage message = ParsedSyslogMessage.Parse(datagram);
        Assert.Equal("1", message["transactionId"]);
        Assert.StartsWith("xxxx", message.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryEnqueue_TcpCollector_ReceivesOctetCountedFramesInOrder()
    {
        await using var collector = TcpSyslogCollector.Start();
        await using SyslogSender sender = await StartSenderAsync(collector.Port, o => o.Transport = SyslogTransport.Tcp);

        for (int i = 0; i < 300; i++)
        {
            Assert.True(sender.TryEnqueue(Event(i, _clock.GetUtcNow())));
        }

        List<byte[]> frames = await collector.ReceiveAsync(300);

        Assert.Equal(
            Enumerable.Range(0, 300).Select(i => i.ToString(CultureInfo.InvariantCulture)),
            frames.Select(f => ParsedSyslogMessage.Parse(f)["transactionId"]));
        await WaitUntilAsync(() => sender.Sent == 300, "all frames are counted as sent");
        Assert.Equal(0, sender.Dropped);
    }

    [Fact]
    public async Task TryEnqueue_CollectorDown_ReturnsAtOnceKeepsNewestAndDeliversThemWhenCollectorStarts()
    {
        await using var collector = TcpSyslogCollector.Down();
        await using SyslogSender sender = await StartSenderAsync(collector.Port, o =>
        {
            o.Transport = SyslogTransport.Tcp;
            o.BufferCapacity = 1000;
        });

        // Enqueueing never waits for the network: with the collector down, all 10,000 return, the newest kept.
        for (int i = 0; i < 10_000; i++)
        {
            Assert.True(sender.TryEnqueue(Event(i, _clock.GetUtcNow())));
        }

        Assert.Equal(1000, sender.Buffered);
        Assert.Equal(9000, sender.Dropped);
        Assert.Equal(0, sender.Sent);

        collector.Listen();
        List<byte[]> frames = await collector.ReceiveAsync(1000);

        Assert.Equal(
            Enumerable.Range(9000, 1000).Select(i => i.ToString(CultureInfo.InvariantCulture)),
            frames.Select(f => ParsedSyslogMessage.Parse(f)["transactionId"]));
        await WaitUntilAsync(() => sender.Sent == 1000, "the buffered events are counted as sent");
        Assert.Equal(9000, sender.Dropped);
    }

    [Fact]
    public async Task TryEnqueue_CollectorClosesConnection_ReconnectsAndDeliversNextEvent()
    {
        await using var collector = TcpSyslogCollector.Start();
        await using SyslogSender sender = await StartSenderAsync(collector.Port, o => o.Transport = SyslogTransport.Tcp);
        sender.TryEnqueue(Event(1, _clock.GetUtcNow()));
        await collector.ReceiveAsync(1);

        await collector.CloseConnectionAsync();
        await Task.Delay(200);
        sender.TryEnqueue(Event(2, _clock.GetUtcNow()));

        byte[] next = Assert.Single(await collector.ReceiveAsync(1));
        Assert.Equal("2", ParsedSyslogMessage.Parse(next)["transactionId"]);
        await WaitUntilAsync(() => sender.Sent == 2, "both events are counted as sent");
        Assert.Equal(0, sender.Dropped);
    }

    [Fact]
    public async Task StopAsync_CollectorUp_SendsEverythingBuffered()
    {
        await using var collector = TcpSyslogCollector.Start();
        SyslogSender sender = await StartSenderAsync(collector.Port, o => o.Transport = SyslogTransport.Tcp);
        for (int i = 0; i < 2000; i++)
        {
            sender.TryEnqueue(Event(i, _clock.GetUtcNow()));
        }

        Task<List<byte[]>> receiving = collector.ReceiveAsync(2000);
        await sender.StopAsync(CancellationToken.None);

        Assert.Equal(2000, (await receiving).Count);
        Assert.Equal(2000, sender.Sent);
        Assert.Equal(0, sender.Dropped);
        await sender.DisposeAsync();
    }

    [Fact]
    public async Task StopAsync_AgainAfterDispose_DoesNothing()
    {
        await using var collector = TcpSyslogCollector.Start();
        SyslogSender sender = await StartSenderAsync(collector.Port, o => o.Transport = SyslogTransport.Tcp);
        sender.TryEnqueue(Event(1, _clock.GetUtcNow()));
        Task<List<byte[]>> receiving = collector.ReceiveAsync(1);
        await sender.StopAsync(CancellationToken.None);
        await sender.DisposeAsync();

        // As a web host does when both its run and its owner stop it.
        await sender.StopAsync(CancellationToken.None);
        await sender.DisposeAsync();

        Assert.Single(await receiving);
        Assert.Equal(1, sender.Sent);
        Assert.False(sender.TryEnqueue(Event(2, _clock.GetUtcNow())));
    }

    [Fact]
    public async Task StopAsync_CollectorDown_ReturnsWithoutWaitingOutBackoffAndCountsUnsent()
    {
        await using var collector = TcpSyslogCollector.Down();
        SyslogSender sender = await StartSenderAsync(collector.Port, o =>
        {
            o.Transport = SyslogTransport.Tcp;
            o.ReconnectDelay = TimeSpan.FromSeconds(60);
            o.MaxReconnectDelay = TimeSpan.FromSeconds(120);
            o.ShutdownTimeout = TimeSpan.FromSeconds(10);
        });
        for (int i = 0; i < 10; i++)
        {
            sender.TryEnqueue(Event(i, _clock.GetUtcNow()));
        }

        await Task.Delay(200);

        // Waiting out the backoff would take 60 s; the shutdown timeout (10 s) is the most stopping may take.
        await sender.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(40));

        Assert.Equal(0, sender.Sent);
        Assert.Equal(10, sender.Dropped);
        Assert.False(sender.TryEnqueue(Event(10, _clock.GetUtcNow())));
        Assert.Equal(11, sender.Dropped);
        await sender.DisposeAsync();
    }

    [Fact]
    public async Task TryEnqueue_Disabled_RefusesWithoutCountingAndSendsNothing()
    {
        using var collector = new UdpSyslogCollector();
        await using SyslogSender sender = await StartSenderAsync(collector.Port, o => o.Enabled = false);

        Assert.False(sender.TryEnqueue(Event(1, _clock.GetUtcNow())));

        Assert.Equal(0, sender.Buffered);
        Assert.Equal(0, sender.Dropped);
        Assert.Equal(0, sender.Sent);
    }
}

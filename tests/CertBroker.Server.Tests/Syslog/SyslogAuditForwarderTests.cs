using CertBroker.Core.Audit;
using CertBroker.Server.Syslog;
using static CertBroker.Server.Tests.Syslog.SyslogTesting;

namespace CertBroker.Server.Tests.Syslog;

/// <summary>Audit events as a SIEM receives them, over UDP and TCP, read back field by field.</summary>
public sealed class SyslogAuditForwarderTests
{
    private static readonly AuditEvent LockedOut = new()
    {
        Time = new DateTimeOffset(2026, 3, 14, 10, 26, 53, TimeSpan.FromHours(1)).AddTicks(1_234_567),
        Action = AuditActions.AccountLockedOut,
        Outcome = AuditOutcome.Failure,
        Actor = "anonymous",
        SourceAddress = "198.51.100.23",
        Target = "admin",
        Details = "Locked until 2026-03-14T09:41:53Z; \"quoted\" ] text",
    };

    [Fact]
    public async Task Forward_OverUdp_MapsEveryField()
    {
        using var collector = new UdpSyslogCollector();
        await using SyslogSender sender = await StartSenderAsync(collector.Port);

        new SyslogAuditForwarder(sender).Forward(LockedOut);
        ParsedSyslogMessage message = ParsedSyslogMessage.Parse(await collector.ReceiveAsync());

        AssertLockedOut(message);
    }

    [Fact]
    public async Task Forward_OverTcp_HostileNameInTargetAndDetails_ArrivesAsOneMessage()
    {
        await using TcpSyslogCollector collector = TcpSyslogCollector.Start();
        await using SyslogSender sender = await StartSenderAsync(collector.Port, o => o.Transport = SyslogTransport.Tcp);
        const string hostile = "printer\n<36>1 2026-03-14T09:26:53Z broker01 certbroker - auth.login - forged";
        AuditEvent refused = LockedOut with { Action = AuditActions.LoginFailed, Target = hostile, Details = "Unknown user " + hostile };

        new SyslogAuditForwarder(sender).Forward(refused);
        new SyslogAuditForwarder(sender).Forward(LockedOut);
        List<byte[]> received = await collector.ReceiveAsync(2);

        ParsedSyslogMessage first = ParsedSyslogMessage.Parse(received[0]);
        Assert.Equal("printer#012<36>1 2026-03-14T09:26:53Z broker01 certbroker - auth.login - forged", first["target"]);
        Assert.DoesNotContain('\n', first.Message!);
        AssertLockedOut(ParsedSyslogMessage.Parse(received[1]));
    }

    [Fact]
    public async Task Forward_OverTcp_MapsEveryFieldAndLeavesOutEmptyOnes()
    {
        await using TcpSyslogCollector collector = TcpSyslogCollector.Start();
        await using SyslogSender sender = await StartSenderAsync(collector.Port, o => o.Transport = SyslogTransport.Tcp);
        var forwarder = new SyslogAuditForwarder(sender);
        AuditEvent created = new()
        {
            Time = LockedOut.Time,
            Action = AuditActions.TokenCreated,
            Outcome = AuditOutcome.Success,
            Actor = "admin",
            Target = "token:ci",
            Profile = "vpn",
        };

        forwarder.Forward(LockedOut);
        forwarder.Forward(created);
        List<byte[]> received = await collector.ReceiveAsync(2);

        AssertLockedOut(ParsedSyslogMessage.Parse(received[0]));
        ParsedSyslogMessage second = ParsedSyslogMessage.Parse(received[1]);
        Assert.Equal((10 * 8) + 5, second.Priority);
        Assert.Equal("token.created", second.MessageId);
        Assert.Equal(
            [KeyValuePair.Create("actor", "admin"), KeyValuePair.Create("target", "token:ci"), KeyValuePair.Create("outcome", "success"), KeyValuePair.Create("profile", "vpn")],
            second.Parameters);
        Assert.Equal("token.created by admin on token:ci.", second.Message);
    }

    private static void AssertLockedOut(ParsedSyslogMessage message)
    {
        Assert.Equal((10 * 8) + 4, message.Priority);
        Assert.Equal("2026-03-14T09:26:53.123456Z", message.Timestamp);
        Assert.Equal("broker01.example.net", message.Hostname);
        Assert.Equal("certbroker", message.AppName);
        Assert.Equal("auth.locked-out", message.MessageId);
        Assert.Equal("certbroker@32473", message.SdId);
        Assert.Equal(
            [
                KeyValuePair.Create("actor", "anonymous"),
                KeyValuePair.Create("target", "admin"),
                KeyValuePair.Create("outcome", "failure"),
                KeyValuePair.Create("src", "198.51.100.23"),
            ],
            message.Parameters);
        Assert.Equal("auth.locked-out by anonymous on admin: Locked until 2026-03-14T09:41:53Z; \"quoted\" ] text", message.Message);
    }
}

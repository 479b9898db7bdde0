using System.Net;
using System.Net.Sockets;
using System.Text;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Server.Syslog;
using CertBroker.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Admin;

/// <summary>CertBroker:Audit:Syslog wires the audit trail to a collector, and a dead collector costs the API nothing.</summary>
public sealed class SyslogForwardingTests
{
    [Fact]
    public async Task Configured_UdpCollector_ReceivesAuditedSignInFailure()
    {
        using var collector = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var factory = new BrokerFactory();
        Configure(factory, "Udp", ((IPEndPoint)collector.Client.LocalEndPoint!).Port);
        using HttpClient client = factory.CreateClient();

        await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("admin", "Wrong-Password-9"));
        string message = await ReceiveAsync(collector, "auth.login-failed");

        Assert.Matches(@"^<84>1 \S+Z broker-test certbroker \d+ auth\.login-failed \[certbroker@32473 actor=""anonymous"" target=""admin"" outcome=""failure""", message);
        Assert.EndsWith("auth.login-failed by anonymous on admin: Wrong password.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Wrong-Password-9", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectorDown_AuditedActionsDoNotWait()
    {
        // Bound but not listening: every connection attempt is refused, as with a stopped collector.
        using var down = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        down.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var factory = new BrokerFactory();
        Configure(factory, "Tcp", ((IPEndPoint)down.LocalEndPoint!).Port);
        factory.Settings["CertBroker:Audit:Syslog:ReconnectDelay"] = "00:00:30";
        using HttpClient client = factory.CreateClient();
        string admin = await AdminHttp.CreateTokenAsync(factory.Services, Role.Administrator);

        for (int i = 0; i < 20; i++)
        {
            // An action that waited for the collector would wait out the reconnect delay (30 s) and never get here.
            HttpResponseMessage created = await AdminHttp.SendAsync(
                    client, HttpMethod.Post, "/api/v1/tokens", AdminHttp.Bearer(admin), new { name = $"ci-{i}", role = "Monitoring" })
                .WaitAsync(TimeSpan.FromSeconds(25));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        SyslogSender sender = factory.Services.GetRequiredService<SyslogSender>();
        Assert.Equal(0, sender.Sent);
        Assert.True(sender.Buffered >= 20, $"{sender.Buffered} events buffered");
        Assert.Equal(20, (await AdminHttp.AuditAsync(factory.Services, AuditActions.TokenCreated)).Count);
    }

    private static void Configure(BrokerFactory factory, string transport, int port)
    {
        factory.Settings["CertBroker:Audit:Syslog:Enabled"] = "true";
        factory.Settings["CertBroker:Audit:Syslog:Host"] = "127.0.0.1";
        factory.Settings["CertBroker:Audit:Syslog:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        factory.Settings["CertBroker:Audit:Syslog:Transport"] = transport;
        factory.Settings["CertBroker:Audit:Syslog:Hostname"] = "broker-test";
    }

    /// <summary>The first datagram whose MSGID is <paramref name="messageId"/>, skipping earlier events such as the bootstrap.</summary>
    private static async Task<string> ReceiveAsync(UdpClient collector, string messageId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            UdpReceiveResult datagram = await collector.ReceiveAsync(timeout.Token);
            string message = Encoding.UTF8.GetString(datagram.Buffer).Replace("\uFEFF", "", StringComparison.Ordinal);
            if (message.Contains($" {messageId} ", StringComparison.Ordinal))
            {
                return message;
            }
        }
    }
}

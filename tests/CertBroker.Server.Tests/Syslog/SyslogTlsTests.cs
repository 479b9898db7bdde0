using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Server.Syslog;
using CertBroker.Server.Tests.Support;
using static CertBroker.Server.Tests.Syslog.SyslogTesting;

namespace CertBroker.Server.Tests.Syslog;

/// <summary>Syslog over TLS (RFC 5425) to a collector on loopback whose certificate comes from a test CA.</summary>
public sealed class SyslogTlsTests : IDisposable
{
    private readonly FakeTimeProvider _clock = TestClock.StartingNow();
    private readonly TempDirectory _directory = new();
    private readonly TestPki _pki = new();
    private readonly X509Certificate2 _collectorCertificate;

    public SyslogTlsTests()
    {
        _collectorCertificate = _pki.IssueServerCertificate();
        _pki.WriteCertificatePem(_directory.File("siem-ca.pem"));
    }

    [Fact]
    public async Task TryEnqueue_CollectorCertificateFromConfiguredCa_DeliversFrames()
    {
        await using var collector = TcpSyslogCollector.Start(certificate: _collectorCertificate);
        await using SyslogSender sender = await StartSenderAsync(collector.Port, TrustingTestCa);

        for (int i = 0; i < 20; i++)
        {
            sender.TryEnqueue(Event(i, _clock.GetUtcNow()));
        }

        List<byte[]> frames = await collector.ReceiveAsync(20);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"{i}"), frames.Select(f => ParsedSyslogMessage.Parse(f)["transactionId"]));
        Assert.Null(collector.ClientCertificate);
        await WaitUntilAsync(() => sender.Sent == 20, "the frames are counted as sent");
    }

    [Fact]
    public async Task TryEnqueue_CollectorCertificateFromAnotherCa_SendsNothingAndKeepsEvent()
    {
        using var impostorPki = new TestPki("Impostor CA");
        using X509Certificate2 impostorCertificate = impostorPki.IssueServerCertificate();
        await using var impostor = TcpSyslogCollector.Start(certificate: impostorCertificate);
        await using SyslogSender sender = await StartSenderAsync(impostor.Port, TrustingTestCa);

        sender.TryEnqueue(Event(1, _clock.GetUtcNow()));

        await AssertHandshakeRefusedAsync(impostor);
        Assert.Equal(0, sender.Sent);
        Assert.Equal(1, sender.Buffered);
    }

    [Fact]
    public async Task TryEnqueue_CollectorNameNotInCertificate_SendsNothing()
    {
        await using var collector = TcpSyslogCollector.Start(certificate: _collectorCertificate);
        await using SyslogSender sender = await StartSenderAsync(collector.Port, o =>
        {
            TrustingTestCa(o);
            o.ServerName = "siem.example.net";
        });

        sender.TryEnqueue(Event(1, _clock.GetUtcNow()));

        await AssertHandshakeRefusedAsync(collector);
        Assert.Equal(0, sender.Sent);
    }

    [Fact]
    public async Task TryEnqueue_CollectorRequiresClientCertificate_PresentsConfiguredOne()
    {
        using X509Certificate2 client = _pki.IssueClientCertificate("CN=certbroker, O=Example");
        File.WriteAllText(_directory.File("client.pem"), client.ExportCertificatePem());
        File.WriteAllText(_directory.File("client.key"), client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await using var collector = TcpSyslogCollector.Start(certificate: _collectorCertificate, requireClientCertificate: true);
        await using SyslogSender sender = await StartSenderAsync(collector.Port, o =>
        {
            TrustingTestCa(o);
            o.ClientCertificatePath = _directory.File("client.pem");
            o.ClientKeyPath = _directory.File("client.key");
        });

        sender.TryEnqueue(Event(1, _clock.GetUtcNow()));
        await collector.ReceiveAsync(1);

        Assert.Equal(client.Thumbprint, collector.ClientCertificate?.Thumbprint);
    }

    public void Dispose()
    {
        _collectorCertificate.Dispose();
        _pki.Dispose();
        _directory.Dispose();
    }

    /// <summary>The sender broke off the handshake (rather than the collector waiting in vain).</summary>
    private static async Task AssertHandshakeRefusedAsync(TcpSyslogCollector collector)
    {
        Exception? refused = await Record.ExceptionAsync(() => collector.ReceiveAsync(1));

        Assert.True(refused is AuthenticationException or IOException, $"Expected a refused handshake, got {refused}");
    }

    private void TrustingTestCa(SyslogOptions options)
    {
        options.Transport = SyslogTransport.Tls;
        options.CaCertificatePath = _directory.File("siem-ca.pem");
        options.ServerName = "localhost";
    }
}

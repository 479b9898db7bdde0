using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CertBroker.Server.Tests.Syslog;

/// <summary>A syslog collector on 127.0.0.1 that takes UDP datagrams (RFC 5426).</summary>
internal sealed class UdpSyslogCollector : IDisposable
{
    private readonly UdpClient _client = new(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_client.Client.LocalEndPoint!).Port;

    public async Task<byte[]> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(SyslogTesting.Patience);
        UdpReceiveResult datagram = await _client.ReceiveAsync(timeout.Token);
        return datagram.Buffer;
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>
/// A syslog collector on 127.0.0.1 reading octet-counted frames (RFC 6587 §3.4.1) over TCP, or over TLS (RFC 5425)
/// when given a certificate. Serves one connection at a time, accepted when the test first reads.
/// </summary>
internal sealed class TcpSyslogCollector : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly X509Certificate2? _certificate;
    private readonly bool _requireClientCertificate;
    private Stream? _stream;

    private TcpSyslogCollector(X509Certificate2? certificate, bool requireClientCertificate)
    {
        // Bound from the start, so no other test can be given this port while the collector is still "down".
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _certificate = certificate;
        _requireClientCertificate = requireClientCertificate;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>The certificate the sender presented over TLS, if any.</summary>
    public X509Certificate2? ClientCertificate { get; private set; }

    /// <summary>A listening collector; TLS when <paramref name="certificate"/> is given.</summary>
    public static TcpSyslogCollector Start(X509Certificate2? certificate = null, bool requireClientCertificate = false)
    {
        var collector = new TcpSyslogCollector(certificate, requireClientCertificate);
        collector.Listen();
        return collector;
    }

    /// <summary>A collector that is down: its port is reserved but connections are refused until <see cref="Listen"/>.</summary>
    public static TcpSyslogCollector Down() => new(certificate: null, requireClientCertificate: false);

    public void Listen() => _listener.Listen();

    /// <summary>The next <paramref name="count"/> messages, accepting the sender's connection first if needed.</summary>
    public async Task<List<byte[]>> ReceiveAsync(int count)
    {
        using var timeout = new CancellationTokenSource(SyslogTesting.Patience);
        Stream stream = _stream ??= await AcceptAsync(timeout.Token);
        var messages = new List<byte[]>(count);
        while (messages.Count < count)
        {
            messages.Add(await ReadFrameAsync(stream, timeout.Token));
        }

        return messages;
    }

    /// <summary>Closes the current connection, as a collector restart would; the listener stays.</summary>
    public async Task CloseConnectionAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _stream = null;
    }

    public async ValueTask DisposeAsync()
    {
        await CloseConnectionAsync();
        _listener.Dispose();
        ClientCertificate?.Dispose();
    }

    private async Task<Stream> AcceptAsync(CancellationToken cancellationToken)
    {
        Socket connection = await _listener.AcceptAsync(cancellationToken);
        Stream stream = new NetworkStream(connection, ownsSocket: true);
        if (_certificate is null)
        {
            return new BufferedStream(stream);
        }

        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(
            new SslServerAuthenticationOptions
            {
                ServerCertificate = _certificate,
                ClientCertificateRequired = _requireClientCertificate,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                // The test inspects the client certificate itself; trust is not what is under test here.
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
            cancellationToken);
        if (tls.RemoteCertificate is not null)
        {
            ClientCertificate = new X509Certificate2(tls.RemoteCertificate);
        }

        return new BufferedStream(tls);
    }

    /// <summary>SYSLOG-FRAME = MSG-LEN SP SYSLOG-MSG (RFC 5425 §4.3).</summary>
    private static async Task<byte[]> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var length = new StringBuilder();
        byte[] one = new byte[1];
        while (true)
        {
            await stream.ReadExactlyAsync(one, cancellationToken);
            if (one[0] == (byte)' ')
            {
                break;
            }

            Assert.True(one[0] is >= (byte)'0' and <= (byte)'9' && length.Length < 10, $"Bad MSG-LEN character 0x{one[0]:X2} after '{length}'");
            length.Append((char)one[0]);
        }

        Assert.False(length.Length == 0 || length[0] == '0', $"MSG-LEN must be a non-zero number without leading zeros: '{length}'");
        byte[] message = new byte[int.Parse(length.ToString(), CultureInfo.InvariantCulture)];
        await stream.ReadExactlyAsync(message, cancellationToken);
        return message;
    }
}

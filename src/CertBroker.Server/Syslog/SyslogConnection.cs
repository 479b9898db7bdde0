using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

using CertBroker.Core.Audit;

namespace CertBroker.Server.Syslog;

/// <summary>An open way to the collector. Any failure surfaces as an exception; the sender then opens a new one.</summary>
internal abstract class SyslogConnection : IAsyncDisposable
{
    /// <summary>False once the collector is known to have closed the connection.</summary>
    public abstract bool IsOpen { get; }

    public static Task<SyslogConnection> OpenAsync(SyslogOptions options, CancellationToken cancellationToken) => options.Transport switch
    {
        SyslogTransport.Udp => UdpSyslogConnection.OpenAsync(options.Host!, options.EffectivePort, cancellationToken),
        SyslogTransport.Tcp => StreamSyslogConnection.OpenTcpAsync(options.Host!, options.EffectivePort, cancellationToken),
        SyslogTransport.Tls => StreamSyslogConnection.OpenTlsAsync(options, cancellationToken),
        _ => throw new InvalidOperationException($"Unknown syslog transport {options.Transport}."),
    };

    /// <summary>Sends whole messages in order. After an exception, any of them may or may not have arrived.</summary>
    public abstract Task SendAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>RFC 5426: one message per datagram, nothing acknowledged.</summary>
internal sealed class UdpSyslogConnection : SyslogConnection
{
    private readonly Socket _socket;

    private UdpSyslogConnection(Socket socket)
    {
        _socket = socket;
    }

    // A datagram socket has nothing to close; a refused port shows up as an error on a later send.
    public override bool IsOpen => true;

    public static async Task<SyslogConnection> OpenAsync(string host, int port, CancellationToken cancellationToken)
    {
        IPAddress[] addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        var socket = new Socket(addresses[0].AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(addresses[0], port), cancellationToken).ConfigureAwait(false);
            return new UdpSyslogConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override async Task SendAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
    {
        foreach (byte[] message in messages)
        {
            await _socket.SendAsync(message, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
    }

    public override ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>TCP (RFC 6587) or TLS (RFC 5425) with octet-counting framing.</summary>
internal sealed class StreamSyslogConnection : SyslogConnection
{
    private readonly Stream _stream;
    private readonly List<X509Certificate2> _certificates;
    private readonly Task _watch;

    private StreamSyslogConnection(Stream stream, List<X509Certificate2> certificates)
    {
        _stream = stream;
        _certificates = certificates;
        _watch = WatchForCloseAsync();
    }

    public override bool IsOpen => !_watch.IsCompleted;

    public static async Task<SyslogConnection> OpenTcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        Socket socket = await ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        return new StreamSyslogConnection(new NetworkStream(socket, ownsSocket: true), []);
    }

    public static async Task<SyslogConnection> OpenTlsAsync(SyslogOptions options, CancellationToken cancellationToken)
    {
        var certificates = new List<X509Certificate2>();
        try
        {
            SslClientAuthenticationOptions authentication = ClientAuthentication(options, certificates);
            Socket socket = await ConnectAsync(options.Host!, options.EffectivePort, cancellationToken).ConfigureAwait(false);
            var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
                return new StreamSyslogConnection(tls, certificates);
            }
            catch
            {
                await tls.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            SyslogTlsFiles.DisposeAll(certificates);
            throw;
        }
    }

    public override async Task SendAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
    {
        if (!IsOpen)
        {
            throw new IOException("The collector closed the connection.");
        }

        // RFC 5425 §4.3, RFC 6587 §3.4.1: SYSLOG-FRAME = MSG-LEN SP SYSLOG-MSG, MSG-LEN in decimal octets.
        int length = messages.Sum(m => CountDigits(m.Length) + 1 + m.Length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int offset = 0;
            foreach (byte[] message in messages)
            {
                string prefix = message.Length.ToString(CultureInfo.InvariantCulture) + " ";
                offset += System.Text.Encoding.ASCII.GetBytes(prefix, buffer.AsSpan(offset));
                message.CopyTo(buffer, offset);
                offset += message.Length;
            }

            await _stream.WriteAsync(buffer.AsMemory(0, offset), cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        // Closing the stream also ends the pending read of the watch.
        await _stream.DisposeAsync().ConfigureAwait(false);
        SyslogTlsFiles.DisposeAll(_certificates);
    }

    private static async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static SslClientAuthenticationOptions ClientAuthentication(SyslogOptions options, List<X509Certificate2> certificates)
    {
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = options.EffectiveServerName,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        if (!string.IsNullOrEmpty(options.CaCertificatePath))
        {
            // Only the configured CAs are trusted; the host name is still checked against ServerName.
            X509Certificate2Collection roots = SyslogTlsFiles.LoadCertificates(options.CaCertificatePath);
            certificates.AddRange(roots);
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(roots);
            authentication.CertificateChainPolicy = policy;
        }

        if (!string.IsNullOrEmpty(options.ClientCertificatePath))
        {
            X509Certificate2 client = SyslogTlsFiles.LoadClientCertificate(options.ClientCertificatePath, options.ClientKeyPath);
            certificates.Add(client);
            X509Certificate2Collection chain = SyslogTlsFiles.LoadCertificates(options.ClientCertificatePath);
            certificates.AddRange(chain);
            var intermediates = new X509Certificate2Collection(chain.Skip(1).ToArray());
            authentication.ClientCertificateContext = SslStreamCertificateContext.Create(client, intermediates, offline: true);
        }

        return authentication;
    }

    private static int CountDigits(int value) => value.ToString(CultureInfo.InvariantCulture).Length;

    private async Task WatchForCloseAsync()
    {
        // Collectors never send data back (RFC 5425 §4.3, RFC 6587 §3.4): a read that ends means the collector closed
        // the connection. Without this, the first write after a collector restart would vanish without an error.
        byte[] buffer = new byte[256];
        try
        {
            while (await _stream.ReadAsync(buffer).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Broken or disposed: either way the connection is no longer open.
        }
    }
}

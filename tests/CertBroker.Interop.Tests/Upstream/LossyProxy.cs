using System.Net;
using System.Net.Sockets;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>
/// An HTTP relay between the front broker and its upstream that can lose replies: the request reaches the upstream
/// and is processed there, but the front gets 502 instead of the answer, as when a load balancer or a network path
/// fails after the upstream did its work. Everything else is passed through unchanged.
/// </summary>
public sealed class LossyProxy : IAsyncDisposable
{
    private static readonly HttpClient Upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private readonly HttpListener _listener = new();
    private readonly Uri _target;
    private readonly Task _loop;
    private int _pkiOperationsToLose;
    private int _lost;

    private LossyProxy(Uri target, int port)
    {
        _target = target;
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>How many PKIOperation replies were thrown away so far.</summary>
    public int Lost => Volatile.Read(ref _lost);

    /// <summary>Relays to <paramref name="target"/> (scheme, host and port; paths are kept) from a free loopback port.</summary>
    public static LossyProxy Start(Uri target)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new LossyProxy(target, port);
    }

    /// <summary>The proxy's URL for a path of the upstream.</summary>
    public string Url(string pathAndQuery) => $"http://127.0.0.1:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}{pathAndQuery}";

    /// <summary>The next <paramref name="count"/> PKIOperation replies reach the upstream but not the caller.</summary>
    public void LoseNextPkiOperationReplies(int count) => Interlocked.Exchange(ref _pkiOperationsToLose, count);

    public async ValueTask DisposeAsync()
    {
        // Close alone: on Unix, Close after Stop removes the listener a second time, which binds its port again for a
        // moment and fails when another listener has taken the port since.
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => RelayAsync(context));
        }
    }

    private async Task RelayAsync(HttpListenerContext context)
    {
        try
        {
            var incoming = context.Request;
            using var request = new HttpRequestMessage(new HttpMethod(incoming.HttpMethod), new Uri(_target, incoming.RawUrl));
            if (incoming.HasEntityBody)
            {
                using var body = new MemoryStream();
                await incoming.InputStream.CopyToAsync(body);
                request.Content = new ByteArrayContent(body.ToArray());
                if (incoming.ContentType is { Length: > 0 } contentType)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                }
            }

            if (incoming.Headers["Authorization"] is { } authorization)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await Upstream.SendAsync(request);
            byte[] content = await response.Content.ReadAsByteArrayAsync();
            bool pkiOperation = incoming.RawUrl?.Contains("operation=PKIOperation", StringComparison.OrdinalIgnoreCase) == true;
            if (pkiOperation && Interlocked.Decrement(ref _pkiOperationsToLose) >= 0)
            {
                Interlocked.Increment(ref _lost);
                context.Response.StatusCode = (int)HttpStatusCode.BadGateway;
                context.Response.Close();
                return;
            }

            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } type)
            {
                context.Response.ContentType = type.ToString();
            }

            await context.Response.OutputStream.WriteAsync(content);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpRequestException or HttpListenerException or IOException or TaskCanceledException)
        {
            try
            {
                context.Response.StatusCode = (int)HttpStatusCode.BadGateway;
                context.Response.Close();
            }
            catch (Exception inner) when (inner is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // The caller went away.
            }
        }
    }
}

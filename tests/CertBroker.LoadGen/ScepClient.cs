using System.Net;
using System.Net.Http.Headers;
using CertBroker.Scep;

namespace CertBroker.LoadGen;

/// <summary>What came back for one PKIOperation.</summary>
/// <param name="StatusCode">The HTTP status; 0 when no response arrived.</param>
/// <param name="ContentType">The Content-Type as sent, without parameters.</param>
/// <param name="Body">The response body.</param>
/// <param name="TransportError">Why no response arrived (connection refused, reset, timed out), else null.</param>
public sealed record HttpExchange(int StatusCode, string? ContentType, byte[] Body, string? TransportError);

/// <summary>
/// The SCEP HTTP binding (RFC 8894 §4) over one shared HttpClient whose pool holds one connection per worker, so
/// concurrency on the wire is what the options say.
/// </summary>
public sealed class ScepClient : IDisposable
{
    private const string PkiMessageType = "application/x-pki-message";
    private static readonly MediaTypeHeaderValue PkiMessageHeader = new(PkiMessageType);

    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly Uri _postUri;

    public ScepClient(Uri url, int connections, TimeSpan requestTimeout)
    {
        _url = url;
        _postUri = OperationUri(url, "PKIOperation");
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        _http = new HttpClient(handler) { Timeout = requestTimeout };
    }

    /// <summary><c>{url}?operation={operation}</c>, plus <c>&amp;message={message}</c> when given (already escaped).</summary>
    public static Uri OperationUri(Uri url, string operation, string? escapedMessage = null)
    {
        string separator = string.IsNullOrEmpty(url.Query) ? "?" : "&";
        string message = escapedMessage is null ? "" : "&message=" + escapedMessage;
        return new Uri($"{url.GetLeftPart(UriPartial.Path)}{url.Query}{separator}operation={operation}{message}");
    }

    public async Task<IReadOnlySet<string>> GetCaCapsAsync(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _http.GetAsync(OperationUri(_url, "GetCACaps"), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return CaCapabilities.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task<CaMaterial> GetCaCertAsync(CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _http.GetAsync(OperationUri(_url, "GetCACert"), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return CaMaterial.Parse(body, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Sends one prepared PKIOperation. Transport failures and timeouts are returned, not thrown.</summary>
    public async Task<HttpExchange> SendAsync(PreparedRequest request, CancellationToken cancellationToken)
    {
        using HttpRequestMessage message = request.GetUri is { } getUri
            ? new HttpRequestMessage(HttpMethod.Get, getUri)
            : new HttpRequestMessage(HttpMethod.Post, _postUri)
            {
                Content = new ByteArrayContent(request.Body) { Headers = { ContentType = PkiMessageHeader } },
            };
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return new HttpExchange((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, null);
        }
        catch (HttpRequestException ex)
        {
            return new HttpExchange(0, null, [], ex.HttpRequestError.ToString());
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HttpExchange(0, null, [], "Timeout");
        }
    }

    public void Dispose() => _http.Dispose();
}

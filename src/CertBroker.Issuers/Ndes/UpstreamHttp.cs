using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Issuers.Ndes;

/// <summary>
/// The SCEP HTTP binding towards an upstream CA (RFC 8894 §4): GetCACaps, GetCACert, PKIOperation by POST or GET,
/// and the NDES admin page. One instance per profile; every call is bounded by the profile's timeout.
/// </summary>
public sealed class UpstreamHttp : IDisposable
{
    private const string PkiMessageType = "application/x-pki-message";

    private readonly HttpClient _http;
    private readonly NdesOptions _options;
    private HttpClient? _windowsAuthentication;

    public UpstreamHttp(NdesOptions options, HttpMessageHandler? handler = null)
    {
        _options = options;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
    }

    public async Task<IReadOnlySet<string>> GetCaCapsAsync(CancellationToken cancellationToken)
    {
        byte[] body = await SendAsync(new HttpRequestMessage(HttpMethod.Get, OperationUri("GetCACaps", _options.CaIdentifier)), cancellationToken).ConfigureAwait(false);
        return CaCapabilities.Parse(Encoding.ASCII.GetString(body));
    }

    /// <summary>
    /// The upstream's certificates: a single DER certificate (<c>application/x-x509-ca-cert</c>, a CA without RA such
    /// as micromdm's scepserver) or a degenerate SignedData with RA and CA certificates (<c>application/x-x509-ca-ra-cert</c>).
    /// </summary>
    public async Task<(byte[] Body, IReadOnlyList<X509Certificate2> Certificates)> GetCaCertAsync(CancellationToken cancellationToken)
    {
        byte[] body = await SendAsync(new HttpRequestMessage(HttpMethod.Get, OperationUri("GetCACert", _options.CaIdentifier)), cancellationToken).ConfigureAwait(false);
        return (body, ParseCaCert(body));
    }

    /// <exception cref="UpstreamUnreachableException">The body is neither a certificate nor a degenerate SignedData.</exception>
    public static IReadOnlyList<X509Certificate2> ParseCaCert(byte[] body)
    {
        try
        {
            SignedDataContent degenerate = SignedDataReader.Read(body);
            return degenerate.Certificates.Select(c => X509CertificateLoader.LoadCertificate(c.Span)).ToList();
        }
        catch (ScepFormatException)
        {
            // Not PKCS#7: a single certificate.
        }

        try
        {
            return [X509CertificateLoader.LoadCertificate(body)];
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new UpstreamUnreachableException("GetCACert answered with neither a certificate nor a certificate bundle.", ex);
        }
    }

    /// <summary>Sends a pkiMessage and returns the CertRep, by POST when the upstream advertises it (RFC 8894 §4.3).</summary>
    public Task<byte[]> PkiOperationAsync(byte[] message, bool post, CancellationToken cancellationToken)
    {
        HttpRequestMessage request;
        if (post)
        {
            request = new HttpRequestMessage(HttpMethod.Post, OperationUri("PKIOperation", null))
            {
                Content = new ByteArrayContent(message),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(PkiMessageType);
        }
        else
        {
            request = new HttpRequestMessage(HttpMethod.Get, OperationUri("PKIOperation", Convert.ToBase64String(message)));
        }

        return SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Loads the upstream's <c>mscep_admin</c> page: with HTTP Basic credentials sent at once; when the page refuses
    /// them and offers Negotiate or NTLM (NDES on IIS with Windows authentication), once more with those, which works
    /// where the platform provides them (on Linux, GSSAPI with gss-ntlmssp).
    /// </summary>
    public async Task<byte[]> GetAdminPageAsync(CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, _options.AdminUrl);
        if (string.IsNullOrEmpty(_options.UserName))
        {
            return await SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        string credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.UserName}:{_options.Password}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        try
        {
            return await SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (UpstreamUnreachableException ex) when (ex.OffersWindowsAuthentication)
        {
            if (Volatile.Read(ref _windowsAuthentication) is null)
            {
                HttpClient created = WindowsAuthenticationClient();
                if (Interlocked.CompareExchange(ref _windowsAuthentication, created, null) is not null)
                {
                    created.Dispose();
                }
            }
        }

        return await SendAsync(new HttpRequestMessage(HttpMethod.Get, _options.AdminUrl), cancellationToken, _windowsAuthentication).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _http.Dispose();
        _windowsAuthentication?.Dispose();
    }

    private HttpClient WindowsAuthenticationClient()
    {
        var uri = new Uri(_options.AdminUrl!);
        string user = _options.UserName!;
        int slash = user.IndexOf('\\', StringComparison.Ordinal);
        var credential = slash < 0
            ? new System.Net.NetworkCredential(user, _options.Password)
            : new System.Net.NetworkCredential(user[(slash + 1)..], _options.Password, user[..slash]);
        var handler = new SocketsHttpHandler
        {
            Credentials = new System.Net.CredentialCache { { uri, "Negotiate", credential }, { uri, "NTLM", credential } },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(_options.TimeoutSeconds) };
    }

    private Uri OperationUri(string operation, string? message)
    {
        string url = _options.Url!;
        string separator = url.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        string query = message is null ? $"operation={operation}" : $"operation={operation}&message={Uri.EscapeDataString(message)}";
        return new Uri(url + separator + query);
    }

    private async Task<byte[]> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, HttpClient? client = null)
    {
        using (request)
        {
            try
            {
                using HttpResponseMessage response = await (client ?? _http).SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    bool windows = response.StatusCode == System.Net.HttpStatusCode.Unauthorized
                        && response.Headers.WwwAuthenticate.Any(h => h.Scheme is "Negotiate" or "NTLM");
                    throw new UpstreamUnreachableException($"{request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)} answered HTTP {(int)response.StatusCode}.")
                    {
                        OffersWindowsAuthentication = windows,
                    };
                }

                return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new UpstreamUnreachableException($"{request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)} failed: {ex.Message}", ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new UpstreamUnreachableException($"{request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)} timed out after {_options.TimeoutSeconds} s.", ex);
            }
        }
    }
}

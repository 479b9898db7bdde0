using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CertBroker.Scep;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests;

/// <summary>
/// The service behind real Kestrel, for the request-line limits Program sets: GET PKIOperation messages beyond
/// Kestrel's default 8 KB request line (INTEROP.md) must get through, and oversized ones be refused without a 5xx.
/// </summary>
public sealed class KestrelTests(KestrelTests.KestrelBrokerFactory factory) : IClassFixture<KestrelTests.KestrelBrokerFactory>
{
    private readonly KestrelBrokerFactory _factory = factory;

    [Fact]
    public async Task PkiOperation_GetMessageOver8Kilobytes_ReturnsSuccessCertRep()
    {
        using var client = new HttpClient { BaseAddress = _factory.Address };
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client);
        using var device = new Device(0);
        // Bulk that is read and left out of the certificate: an extension the broker does not issue.
        var bulk = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        bulk.WriteOctetString(new byte[12_000]);
        var padding = new X509Extension("1.3.6.1.4.1.311.21.7", bulk.Encode(), critical: false);

        SentRequest request = ScepHttp.PkcsReq(ca, device, "CN=big-request", BrokerFactory.Challenge, padding);
        string message = Uri.EscapeDataString(Convert.ToBase64String(request.Encoded));
        Assert.True(message.Length > 16 * 1024, $"message is only {message.Length} characters");

        HttpResponseMessage response = await client.GetAsync($"/scep?operation=PKIOperation&message={message}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        CertRepContent reply = request.Open(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(PkiStatus.Success, reply.Message.Status);
        Assert.Equal("CN=big-request", reply.Certificates[0].Subject);
    }

    [Fact]
    public async Task PkiOperation_GetMessageDecodingOver64Kilobytes_IsRefusedWithout5xx()
    {
        // Too long for System.Uri, so the request is written by hand as a client would send it.
        string message = Convert.ToBase64String(RandomNumberGenerator.GetBytes((64 * 1024) + 1));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_factory.Address.Host, _factory.Address.Port);
        await using NetworkStream stream = tcp.GetStream();
        byte[] head = Encoding.ASCII.GetBytes(
            $"GET /scep?operation=PKIOperation&message={message} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(head);

        using var reader = new StreamReader(stream, Encoding.ASCII);
        string? statusLine = await reader.ReadLineAsync();

        Assert.NotNull(statusLine);
        int status = int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(status, new[] { 400, 414, 431 });
    }

    [Fact]
    public async Task GetCaCaps_OverKestrel_ContentTypeHasNoCharset()
    {
        using var client = new HttpClient { BaseAddress = _factory.Address };

        HttpResponseMessage response = await client.GetAsync("/scep?operation=GetCACaps");

        Assert.Equal("text/plain", ScepHttp.ContentType(response));
    }

    /// <summary>The broker on Kestrel at a free loopback port.</summary>
    public sealed class KestrelBrokerFactory : IAsyncLifetime
    {
        private readonly BrokerFactory _inner = new();
        private Uri? _address;

        public Uri Address => _address ?? throw new InvalidOperationException("Not started.");

        public Task InitializeAsync()
        {
            _inner.UseKestrel(0);
            _inner.StartServer();
            string address = _inner.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            _address = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
            return Task.CompletedTask;
        }

        public Task DisposeAsync() => _inner.DisposeAsync().AsTask();
    }
}

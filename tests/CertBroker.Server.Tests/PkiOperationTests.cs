using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests;

/// <summary>PKIOperation over POST and GET in the shapes real clients send (RFC 8894 §4.3, INTEROP.md).</summary>
public sealed class PkiOperationTests(BrokerFactory factory) : IClassFixture<BrokerFactory>
{
    [Theory]
    [InlineData("application/x-pki-message")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    public async Task PkiOperation_PostWithAnyContentType_ReturnsSuccessCertRep(string? contentType)
    {
        HttpClient client = factory.CreateClient();
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client);
        using var device = new Device(0);
        SentRequest request = ScepHttp.PkcsReq(ca, device, "CN=post-device", BrokerFactory.Challenge);
        var content = new ByteArrayContent(request.Encoded);
        content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);

        HttpResponseMessage response = await client.PostAsync("/scep?operation=PKIOperation", content);

        await AssertIssuedAsync(request, response, "CN=post-device");
    }

    public static TheoryData<string> GetEncodings() => ["raw plus", "percent-escaped", "url-safe", "line breaks"];

    [Theory]
    [MemberData(nameof(GetEncodings))]
    public async Task PkiOperation_GetWithBase64Variant_ReturnsSuccessCertRep(string encoding)
    {
        HttpClient client = factory.CreateClient();
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client);
        using var device = new Device(1);
        SentRequest request = ScepHttp.PkcsReq(ca, device, "CN=get-device", BrokerFactory.Challenge);
        string base64 = Convert.ToBase64String(request.Encoded);
        Assert.Contains('+', base64); // a 3 KB message always has some; without one the raw case would prove nothing
        string message = encoding switch
        {
            "raw plus" => base64,
            "percent-escaped" => Uri.EscapeDataString(base64),
            "url-safe" => base64.Replace('+', '-').Replace('/', '_').TrimEnd('='),
            _ => Uri.EscapeDataString(string.Join('\n', base64.Chunk(64).Select(c => new string(c)))),
        };

        HttpResponseMessage response = await client.GetAsync($"/cgi-bin/pkiclient.exe?operation=PKIOperation&message={message}");

        await AssertIssuedAsync(request, response, "CN=get-device");
    }

    [Fact]
    public async Task PkiOperation_WrongChallenge_Returns200WithSignedFailure()
    {
        HttpClient client = factory.CreateClient();
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client);
        using var device = new Device(2);
        SentRequest request = ScepHttp.PkcsReq(ca, device, "CN=intruder", "guess");

        HttpResponseMessage response = await client.PostAsync("/scep?operation=PKIOperation", new ByteArrayContent(request.Encoded));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ScepHttp.PkiMessageType, ScepHttp.ContentType(response));
        CertRepContent reply = request.Open(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(PkiStatus.Failure, reply.Message.Status);
        Assert.Equal(FailInfo.BadRequest, reply.Message.FailInfo);
        Assert.Equal(ca.RaSigning.RawData, reply.Message.Signer.RawData);
        Assert.Equal(request.SenderNonce, reply.Message.RecipientNonce);
    }

    [Fact]
    public async Task PkiOperation_NdesPathResent_ReturnsSameCertificate()
    {
        HttpClient client = factory.CreateClient();
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client, "/certsrv/mscep/mscep.dll");
        using var device = new Device(3);
        SentRequest request = ScepHttp.PkcsReq(ca, device, "CN=ndes-device", BrokerFactory.Challenge);
        const string path = "/certsrv/mscep/mscep.dll/pkiclient.exe?operation=PKIOperation";

        HttpResponseMessage first = await client.PostAsync(path, new ByteArrayContent(request.Encoded));
        HttpResponseMessage second = await client.PostAsync(path, new ByteArrayContent(request.Encoded));

        X509Certificate2 issued = await AssertIssuedAsync(request, first, "CN=ndes-device");
        X509Certificate2 again = await AssertIssuedAsync(request, second, "CN=ndes-device");
        Assert.Equal(issued.SerialNumber, again.SerialNumber);
    }

    private static async Task<X509Certificate2> AssertIssuedAsync(SentRequest request, HttpResponseMessage response, string subject)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ScepHttp.PkiMessageType, ScepHttp.ContentType(response));
        CertRepContent reply = request.Open(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(PkiStatus.Success, reply.Message.Status);
        Assert.Equal(request.TransactionId, reply.Message.TransactionId);
        Assert.Equal(subject, reply.Certificates[0].Subject);
        return reply.Certificates[0];
    }
}

using System.Net;
using System.Security.Cryptography;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace CertBroker.Server.Tests;

/// <summary>
/// Input refused before a message could be read: HTTP 4xx with a fixed short text, never a 5xx or internal detail,
/// and the service keeps answering.
/// </summary>
public sealed class BadInputTests(BrokerFactory factory) : IClassFixture<BrokerFactory>
{
    private const int MaxMessageBytes = 64 * 1024;

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    public async Task PkiOperation_PostGarbage_Returns400WithFixedText(string body)
    {
        HttpResponseMessage response = await factory.CreateClient().PostAsync(
            "/scep?operation=PKIOperation", new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes(body)));

        await AssertTextAsync(response, HttpStatusCode.BadRequest, "Invalid SCEP message\n");
    }

    [Fact]
    public async Task PkiOperation_PostRandomDer_Returns400WithoutInternalDetail()
    {
        byte[] body = [0x30, 0x82, 0x04, 0x00, .. RandomNumberGenerator.GetBytes(1024)];

        HttpResponseMessage response = await factory.CreateClient().PostAsync("/scep?operation=PKIOperation", new ByteArrayContent(body));

        string text = await AssertTextAsync(response, HttpStatusCode.BadRequest, "Invalid SCEP message\n");
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not*base64!")]
    [InlineData("%%%%")]
    [InlineData("")]
    public async Task PkiOperation_GetMessageNotBase64_Returns400(string message)
    {
        HttpResponseMessage response = await factory.CreateClient().GetAsync($"/scep?operation=PKIOperation&message={message}");

        await AssertTextAsync(response, HttpStatusCode.BadRequest, "Invalid SCEP message\n");
    }

    [Fact]
    public async Task PkiOperation_GetWithoutMessage_Returns400()
    {
        HttpResponseMessage response = await factory.CreateClient().GetAsync("/scep?operation=PKIOperation");

        await AssertTextAsync(response, HttpStatusCode.BadRequest, "Invalid SCEP message\n");
    }

    [Fact]
    public async Task PkiOperation_GetBase64OfGarbage_Returns400()
    {
        string message = Uri.EscapeDataString(Convert.ToBase64String(RandomNumberGenerator.GetBytes(600)));

        HttpResponseMessage response = await factory.CreateClient().GetAsync($"/scep?operation=PKIOperation&message={message}");

        await AssertTextAsync(response, HttpStatusCode.BadRequest, "Invalid SCEP message\n");
    }

    [Fact]
    public async Task PkiOperation_PostBodyOverLimit_Returns413()
    {
        HttpResponseMessage response = await factory.CreateClient().PostAsync(
            "/scep?operation=PKIOperation", new ByteArrayContent(new byte[MaxMessageBytes + 1]));

        await AssertTextAsync(response, HttpStatusCode.RequestEntityTooLarge, "SCEP message too large\n");
    }

    [Fact]
    public async Task PkiOperation_ChunkedPostBodyOverLimit_Returns413()
    {
        HttpResponseMessage response = await factory.CreateClient().PostAsync(
            "/scep?operation=PKIOperation", new UnknownLengthContent(new byte[MaxMessageBytes + 1]));

        await AssertTextAsync(response, HttpStatusCode.RequestEntityTooLarge, "SCEP message too large\n");
    }

    [Fact]
    public async Task PkiOperation_PostBodyAtLimit_IsReadNotRefusedForSize()
    {
        HttpResponseMessage response = await factory.CreateClient().PostAsync(
            "/scep?operation=PKIOperation", new ByteArrayContent(new byte[MaxMessageBytes]));

        await AssertTextAsync(response, HttpStatusCode.BadRequest, "Invalid SCEP message\n");
    }

    [Fact]
    public async Task PkiOperation_GetMessageDecodingOverLimit_IsRefusedWithout5xx()
    {
        // Longer than System.Uri accepts, so the request goes in below HttpClient, as Kestrel would hand it over.
        string message = Convert.ToBase64String(RandomNumberGenerator.GetBytes(MaxMessageBytes + 1));

        HttpContext context = await factory.Server.SendAsync(http =>
        {
            http.Request.Method = HttpMethods.Get;
            http.Request.Path = "/scep";
            http.Request.QueryString = new QueryString($"?operation=PKIOperation&message={message}");
        });

        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        Assert.Equal("text/plain", context.Response.ContentType);
        using var reader = new StreamReader(context.Response.Body);
        Assert.Equal("Invalid SCEP message\n", await reader.ReadToEndAsync());
    }

    [Theory]
    [InlineData("GetCRL")]
    [InlineData("PKIOperations")]
    [InlineData("")]
    public async Task Scep_UnknownOperation_Returns400(string operation)
    {
        HttpResponseMessage response = await factory.CreateClient().GetAsync($"/scep?operation={operation}");

        await AssertTextAsync(response, HttpStatusCode.BadRequest, "Unknown SCEP operation\n");
    }

    [Fact]
    public async Task Scep_NoQuery_Returns400()
    {
        HttpResponseMessage response = await factory.CreateClient().GetAsync("/scep");

        await AssertTextAsync(response, HttpStatusCode.BadRequest, "Unknown SCEP operation\n");
    }

    [Theory]
    [InlineData("GetCACaps")]
    [InlineData("PKIOperation")]
    public async Task Scep_UnknownProfile_Returns404(string operation)
    {
        HttpResponseMessage response = await factory.CreateClient().GetAsync($"/scep/no-such-profile?operation={operation}");

        await AssertTextAsync(response, HttpStatusCode.NotFound, "Unknown SCEP profile\n");
    }

    [Fact]
    public async Task Scep_AfterEveryKindOfBadInput_StillAnswersGetCaCaps()
    {
        HttpClient client = factory.CreateClient();
        await client.PostAsync("/scep?operation=PKIOperation", new ByteArrayContent("garbage"u8.ToArray()));
        await client.PostAsync("/scep?operation=PKIOperation", new ByteArrayContent(new byte[MaxMessageBytes * 2]));
        await client.PostAsync("/scep?operation=PKIOperation", new UnknownLengthContent(new byte[MaxMessageBytes * 2]));
        await client.GetAsync("/scep?operation=PKIOperation&message=***");
        await client.GetAsync("/scep?operation=Nonsense");
        await client.GetAsync("/scep/nope?operation=GetCACaps");
        await client.GetAsync("/scep?operation=GetNextCACert");

        HttpResponseMessage response = await client.GetAsync("/scep?operation=GetCACaps");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("POSTPKIOperation", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<string> AssertTextAsync(HttpResponseMessage response, HttpStatusCode status, string text)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/plain", ScepHttp.ContentType(response));
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(text, body);
        return body;
    }

    /// <summary>A body sent without Content-Length, as a chunked upload arrives.</summary>
    private sealed class UnknownLengthContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Admin;

/// <summary>Every error under /api/v1 is an RFC 9457 problem, also when no endpoint was reached.</summary>
public sealed class ProblemDetailsTests(BrokerFactory factory) : IClassFixture<BrokerFactory>
{
    [Fact]
    public async Task UnknownAdminRoute_Returns404Problem()
    {
        using HttpClient client = factory.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/no-such-thing", AdminHttp.Admin);

        await AdminHttp.AssertProblemAsync(response, 404);
    }

    [Fact]
    public async Task WrongMethod_Returns405Problem()
    {
        using HttpClient client = factory.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Delete, "/api/v1/me", AdminHttp.Admin);

        await AdminHttp.AssertProblemAsync(response, 405);
    }

    [Fact]
    public async Task ScepPaths_KeepTheirPlainAnswers()
    {
        using HttpClient client = factory.CreateClient();

        HttpResponseMessage response = await client.GetAsync("/scep/no-such-profile?operation=GetCACaps");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }
}

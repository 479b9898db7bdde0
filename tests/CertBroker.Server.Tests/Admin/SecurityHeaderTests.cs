using System.Net;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Admin;

/// <summary>Every admin and HTML answer refuses framing and sniffing; device endpoints stay as they were.</summary>
public sealed class SecurityHeaderTests(InventoryBroker broker) : IClassFixture<InventoryBroker>
{
    [Theory]
    [InlineData("/certsrv/mscep_admin/?profile=mfd", true, HttpStatusCode.OK)]
    [InlineData("/api/v1/me", true, HttpStatusCode.OK)]
    [InlineData("/api/v1/me", false, HttpStatusCode.Unauthorized)]
    [InlineData("/api/v1/no-such-route", true, HttpStatusCode.NotFound)]
    [InlineData("/api/v1/openapi.json", false, HttpStatusCode.OK)]
    [InlineData("/certsrv/mscep_admin/?profile=no-such-profile", true, HttpStatusCode.NotFound)]
    public async Task AdminSurface_AnyAnswer_CarriesAntiFramingAndNosniffHeaders(string path, bool signedIn, HttpStatusCode status)
    {
        using HttpClient client = broker.Factory.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, path, signedIn ? AdminHttp.Admin : null);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Single(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
    }

    [Fact]
    public async Task NdesPage_Html_IsNotFramableByAnyOrigin()
    {
        using HttpClient client = broker.Factory.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, "/certsrv/mscep_admin/default.aspx?profile=mfd", AdminHttp.Admin);

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Contains("frame-ancestors 'none'", Single(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/scep?operation=GetCACaps")]
    [InlineData("/cgi-bin/pkiclient.exe?operation=GetCACaps")]
    public async Task ScepEndpoint_GetCACaps_AnswersWithoutAdminHeaders(string path)
    {
        using HttpClient client = broker.Factory.CreateClient();

        HttpResponseMessage response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        Assert.False(response.Headers.Contains("Content-Security-Policy"));
    }

    private static string Single(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? values : []);
}

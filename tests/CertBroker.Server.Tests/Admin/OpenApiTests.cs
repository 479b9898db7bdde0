using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Admin;

/// <summary>The OpenAPI document describes every admin route with its permission, and nothing else.</summary>
public sealed class OpenApiTests(BrokerFactory factory) : IClassFixture<BrokerFactory>
{
    [Fact]
    public async Task Document_Anonymous_DescribesAdminRoutesWithPermissionsAndSchemes()
    {
        using HttpClient client = factory.CreateClient();

        HttpResponseMessage response = await client.GetAsync("/api/v1/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement document = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        JsonElement schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("basic", schemes.GetProperty("basic").GetProperty("scheme").GetString());
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());

        JsonElement paths = document.GetProperty("paths");
        List<string> names = [.. paths.EnumerateObject().Select(p => p.Name)];
        Assert.All(names, name => Assert.StartsWith("/api/v1/", name, StringComparison.Ordinal));
        Assert.DoesNotContain(names, name => name.Contains("scep", StringComparison.OrdinalIgnoreCase));

        JsonElement createToken = paths.GetProperty("/api/v1/tokens").GetProperty("post");
        Assert.Equal("ManageTokens", createToken.GetProperty("x-required-permission").GetString());
        Assert.True(createToken.GetProperty("responses").TryGetProperty("403", out _));
        Assert.True(createToken.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(createToken.TryGetProperty("requestBody", out _));

        JsonElement me = paths.GetProperty("/api/v1/me").GetProperty("get");
        Assert.False(me.TryGetProperty("x-required-permission", out _));
        Assert.True(me.GetProperty("responses").TryGetProperty("401", out _));

        JsonElement audit = paths.GetProperty("/api/v1/audit").GetProperty("get");
        Assert.Contains(audit.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "afterId");
    }
}

using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests;

/// <summary>GetCACaps (RFC 8894 §3.5.2) on every path clients use.</summary>
public sealed class GetCaCapsTests(BrokerFactory factory) : IClassFixture<BrokerFactory>
{
    public static TheoryData<string> Paths() =>
        ["/scep", "/scep/default", "/certsrv/mscep/mscep.dll", "/certsrv/mscep/mscep.dll/pkiclient.exe", "/cgi-bin/pkiclient.exe"];

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task GetCaCaps_AnyScepPath_ReturnsPlainTextCapabilities(string path)
    {
        HttpResponseMessage response = await factory.CreateClient().GetAsync($"{path}?operation=GetCACaps");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", ScepHttp.ContentType(response));
        string[] lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        int aes = Array.IndexOf(lines, "AES");
        Assert.True(aes >= 0 && aes < Array.IndexOf(lines, "DES3"), string.Join(",", lines));
        Assert.Contains("POSTPKIOperation", lines);
        Assert.Contains("Renewal", lines);
        Assert.Contains("SHA-256", lines);
    }

    [Theory]
    [InlineData("getcacaps")]
    [InlineData("GetCACaps&message=CAIdentifier")]
    [InlineData("GetCACaps&message=")]
    public async Task GetCaCaps_OperationSpellingsAndMessageValues_AreAnswered(string query)
    {
        HttpResponseMessage response = await factory.CreateClient().GetAsync($"/scep?operation={query}");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("AES\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCaCaps_OverPost_IsAnswered()
    {
        HttpResponseMessage response = await factory.CreateClient().PostAsync("/scep?operation=GetCACaps", new ByteArrayContent([]));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("POSTPKIOperation", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

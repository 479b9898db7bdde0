using System.Net;
using System.Text.Json;
using CertBroker.Core.Inventory;
using CertBroker.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Admin;

/// <summary>Enrolments leave search indexing to the background indexer; search finds the certificate before and after it runs.</summary>
public sealed class SearchIndexerTests
{
    [Fact]
    public async Task Enrolment_IndexedInTheBackground_FoundBySearchBeforeAndAfter()
    {
        await using var factory = new BrokerFactory();
        factory.Settings["CertBroker:Storage:SearchIndex:Interval"] = "00:00:00.200";
        HttpClient client = factory.CreateClient();
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client);
        using var device = new Support.Device(0);
        SentRequest request = ScepHttp.PkcsReq(ca, device, "CN=lobby-printer-42.example.net", BrokerFactory.Challenge);
        HttpResponseMessage issued = await client.PostAsync("/scep?operation=PKIOperation", new ByteArrayContent(request.Encoded));
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);

        Assert.Equal(["CN=lobby-printer-42.example.net"], await SearchAsync(client, "printer-42"));

        IInventorySearchIndex index = factory.Services.GetRequiredService<IInventorySearchIndex>();
        long pending = await index.CountPendingAsync(CancellationToken.None);
        for (int i = 0; i < 300 && pending > 0; i++)
        {
            await Task.Delay(100);
            pending = await index.CountPendingAsync(CancellationToken.None);
        }

        Assert.Equal(0, pending);
        Assert.Equal(["CN=lobby-printer-42.example.net"], await SearchAsync(client, "printer-42"));
        Assert.Empty(await SearchAsync(client, "printer-43"));
    }

    private static async Task<string[]> SearchAsync(HttpClient client, string text)
    {
        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, $"/api/v1/certificates?q={text}", AdminHttp.Admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement items = body.RootElement.ValueKind == JsonValueKind.Array ? body.RootElement : body.RootElement.GetProperty("items");
        return [.. items.EnumerateArray().Select(c => c.GetProperty("subject").GetString()!)];
    }
}

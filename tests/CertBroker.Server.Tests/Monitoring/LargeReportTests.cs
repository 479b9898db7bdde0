using System.Net;
using System.Text.Json;
using CertBroker.Server.Admin;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CertBroker.Server.Tests.Monitoring;

/// <summary>
/// Thousands of certificates through the streamed report: every row arrives in both formats, in notAfter order
/// within a window.
/// (That rows are written as read, never collected, is a property of the code path: the store yields from an open
/// reader and the writers flush every 32 KiB.)
/// </summary>
public sealed class LargeReportTests : IAsyncLifetime
{
    private const int Count = 5000;

    private readonly BrokerFactory _broker = new();
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        _factory = _broker.WithWebHostBuilder(InventorySeed.WithoutLifecycleJobs);
        _factory.CreateClient().Dispose();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using var seed = new InventorySeed(_broker.DataDir);
        seed.Add([.. Enumerable.Range(0, Count).Select(i => new SeedCertificate($"{i:x8}", now.AddMinutes((i * 7919 % Count) + 10))
        {
            Subject = $"CN=device-{i}, O=Example",
            Findings = i % 10 == 0 ? ["WC-RSA-01"] : [],
        })]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task Csv_ThousandsOfRowsWithinAWindow_AllStreamedInNotAfterOrder()
    {
        using HttpClient client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = AdminHttp.Admin;
        HttpResponseMessage response = await client.GetAsync("/api/v1/reports/expiry?format=csv&within=1w", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentLength);
        List<string[]> records = Csv.Read(await response.Content.ReadAsStringAsync());
        Assert.Equal(Count + 1, records.Count);
        string[] notAfter = [.. records.Skip(1).Select(r => r[9])];
        Assert.Equal(notAfter.Order(StringComparer.Ordinal), notAfter);
        Assert.Equal(Count / 10, records.Count(r => r[18] == "WC-RSA-01"));
    }

    [Fact]
    public async Task Json_ThousandsOfRows_OneValidDocument()
    {
        using HttpClient client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = AdminHttp.Admin;
        HttpResponseMessage response = await client.GetAsync("/api/v1/reports/expiry", HttpCompletionOption.ResponseHeadersRead);

        using JsonDocument report = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        Assert.Equal(Count, report.RootElement.GetProperty("certificates").GetArrayLength());
        Assert.Equal(Count, report.RootElement.GetProperty("certificates").EnumerateArray().Select(r => r.GetProperty("serial").GetString()).Distinct().Count());
    }
}

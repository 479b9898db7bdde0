using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Admin;

/// <summary>Reading, filtering and exporting the audit trail, and its retention cap.</summary>
public sealed class AuditApiTests : IAsyncLifetime
{
    private readonly BrokerFactory _factory = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory.Settings["CertBroker:Audit:MaxRecords"] = "1000";
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task List_Filters_ReturnMatchingEventsOldestFirst()
    {
        await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("mallory", "Guess-Number-1"));
        await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("admin", "Guess-Number-2"));
        await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin);

        JsonElement all = await GetJsonAsync("/api/v1/audit");
        JsonElement authOnly = await GetJsonAsync("/api/v1/audit?action=auth.");
        JsonElement failuresOnAdmin = await GetJsonAsync("/api/v1/audit?action=auth.login-failed&target=admin");
        long firstId = all[0].GetProperty("id").GetInt64();
        JsonElement afterFirst = await GetJsonAsync($"/api/v1/audit?afterId={firstId}&limit=1");

        Assert.Equal(
            [AuditActions.BootstrapAdminCreated, AuditActions.LoginFailed, AuditActions.LoginFailed, AuditActions.Login],
            all.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(3, authOnly.GetArrayLength());
        JsonElement failure = Assert.Single(failuresOnAdmin.EnumerateArray());
        Assert.Equal("Failure", failure.GetProperty("outcome").GetString());
        Assert.Equal("anonymous", failure.GetProperty("actor").GetString());
        Assert.Equal("mallory", Assert.Single(afterFirst.EnumerateArray()).GetProperty("target").GetString());
    }

    [Fact]
    public async Task List_BadFilters_Return400Problems()
    {
        await AdminHttp.AssertProblemAsync(await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/audit?limit=0", AdminHttp.Admin), 400);
        await AdminHttp.AssertProblemAsync(await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/audit?from=yesterday", AdminHttp.Admin), 400);
        await AdminHttp.AssertProblemAsync(
            await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", AdminHttp.Admin), 400);
    }

    [Fact]
    public async Task List_AuditorAllowed_MonitoringForbidden()
    {
        string auditor = await AdminHttp.CreateTokenAsync(_factory.Services, Role.Auditor);
        string monitoring = await AdminHttp.CreateTokenAsync(_factory.Services, Role.Monitoring);

        Assert.Equal(HttpStatusCode.OK, (await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/audit", AdminHttp.Bearer(auditor))).StatusCode);
        await AdminHttp.AssertProblemAsync(await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/audit/export", AdminHttp.Bearer(monitoring)), 403);
    }

    [Fact]
    public async Task Export_Csv_QuotesAndDefusesFormulasAndIsAudited()
    {
        await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("=HYPERLINK(\"evil.example\",\"x\")", "whatever"));

        HttpResponseMessage response = await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/audit/export?action=auth.", AdminHttp.Admin);
        string csv = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("certbroker-audit-", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        string[] lines = csv.Split("\r\n");
        Assert.Equal("id,time,action,outcome,actor,source_address,target,profile,details", lines[0]);
        Assert.Contains(",\"'=HYPERLINK(\"\"evil.example\"\",\"\"x\"\")\",", lines[1], StringComparison.Ordinal);
        Assert.Equal("", lines[^1]);
        StoredAuditEvent exported = Assert.Single(await AdminHttp.AuditAsync(_factory.Services, AuditActions.AuditExported));
        Assert.Equal("admin", exported.Event.Actor);
        Assert.Contains("action=auth.", exported.Event.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_PastMaxRecords_OldestEventsDropped()
    {
        IAuditTrail trail = _factory.Services.GetRequiredService<IAuditTrail>();
        long before = await trail.CountAsync(CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 1010).Select(i => trail.AppendAsync(
            new AuditEvent { Time = DateTimeOffset.UtcNow, Action = AuditActions.DeviceChanged, Outcome = AuditOutcome.Success, Actor = "system", Target = $"device-{i}" },
            CancellationToken.None)));

        IReadOnlyList<StoredAuditEvent> kept = await trail.ListAsync(new AuditQuery { Limit = 5000 }, CancellationToken.None);

        Assert.Equal(1000, await trail.CountAsync(CancellationToken.None));
        Assert.Equal(1000, kept.Count);
        Assert.DoesNotContain(kept, e => e.Event.Action == AuditActions.BootstrapAdminCreated);
        Assert.Equal(before + 1010 - 1000 + 1, kept[0].Id);
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        HttpResponseMessage response = await AdminHttp.SendAsync(_client, HttpMethod.Get, path, AdminHttp.Admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

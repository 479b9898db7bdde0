using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CertBroker.Core.Audit;
using CertBroker.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Admin;

/// <summary>Creating, using, listing and revoking API tokens through the API.</summary>
public sealed class TokenApiTests(BrokerFactory factory) : IClassFixture<BrokerFactory>
{
    [Fact]
    public async Task Create_SecretShownOnce_WorksAsBearerUntilDeleted()
    {
        using HttpClient client = factory.CreateClient();

        HttpResponseMessage created = await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/tokens", AdminHttp.Admin, new { name = "siem-reader", role = "Auditor" });
        JsonElement body = await created.Content.ReadFromJsonAsync<JsonElement>();
        string secret = body.GetProperty("secret").GetString()!;
        HttpResponseMessage used = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Bearer(secret));
        string listed = await (await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/tokens", AdminHttp.Admin)).Content.ReadAsStringAsync();
        HttpResponseMessage deleted = await AdminHttp.SendAsync(client, HttpMethod.Delete, "/api/v1/tokens/siem-reader", AdminHttp.Admin);
        HttpResponseMessage afterDelete = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Bearer(secret));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("cbt_", secret, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("expiresAt").ValueKind);
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Contains("\"siem-reader\"", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", listed, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AdminHttp.AssertProblemAsync(afterDelete, 401);
        IReadOnlyList<StoredAuditEvent> trail = await factory.Services.GetRequiredService<IAuditTrail>()
            .ListAsync(new AuditQuery { Action = "token.", Target = "token:siem-reader" }, CancellationToken.None);
        Assert.Equal([AuditActions.TokenCreated, AuditActions.TokenDeleted], trail.Select(e => e.Event.Action));
        Assert.All(trail, e => Assert.DoesNotContain(secret, e.Event.Details ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_ExpiryInThePastOrBadName_Returns400()
    {
        using HttpClient client = factory.CreateClient();

        HttpResponseMessage past = await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/tokens", AdminHttp.Admin, new { name = "old", role = "Monitoring", expiresAt = DateTimeOffset.UtcNow.AddDays(-1) });
        HttpResponseMessage badName = await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/tokens", AdminHttp.Admin, new { name = "has space", role = "Monitoring" });

        Assert.True((await AdminHttp.AssertProblemAsync(past, 400)).GetProperty("errors").TryGetProperty("expiresAt", out _));
        Assert.True((await AdminHttp.AssertProblemAsync(badName, 400)).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Create_TakenName_Returns409_DeleteUnknown_Returns404()
    {
        using HttpClient client = factory.CreateClient();
        await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/tokens", AdminHttp.Admin, new { name = "twice", role = "Monitoring" });

        HttpResponseMessage second = await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/tokens", AdminHttp.Admin, new { name = "TWICE", role = "Auditor" });
        HttpResponseMessage unknown = await AdminHttp.SendAsync(client, HttpMethod.Delete, "/api/v1/tokens/never-created", AdminHttp.Admin);

        await AdminHttp.AssertProblemAsync(second, 409);
        await AdminHttp.AssertProblemAsync(unknown, 404);
    }
}

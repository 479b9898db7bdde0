using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Admin;

/// <summary>An API token acts for the account that created it and dies with it: deleted, disabled or demoted.</summary>
public sealed class TokenOwnerTests : IAsyncLifetime
{
    private const string AlicePassword = "Alice-Chosen-Pass-7";

    private readonly BrokerFactory _factory = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await AsAdmin(HttpMethod.Post, "/api/v1/accounts", new { userName = "alice", role = "Administrator", password = "Set-By-Admin-Pass-1" })).StatusCode);
        HttpResponseMessage changed = await AdminHttp.SendAsync(
            _client, HttpMethod.Post, "/api/v1/me/password", AdminHttp.Basic("alice", "Set-By-Admin-Pass-1"),
            new { currentPassword = "Set-By-Admin-Pass-1", newPassword = AlicePassword });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task DeleteAccount_OwnerOfATokenInUse_TokenRefusedOnTheNextRequest()
    {
        string secret = await CreateTokenAsAliceAsync("ansible", "Administrator");
        Assert.Equal(HttpStatusCode.OK, (await AsToken(secret, "/api/v1/tokens")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await AsAdmin(HttpMethod.Delete, "/api/v1/accounts/alice")).StatusCode);

        await AdminHttp.AssertProblemAsync(await AsToken(secret, "/api/v1/tokens"), 401);
        JsonElement listed = await (await AsAdmin(HttpMethod.Get, "/api/v1/tokens")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain("ansible", listed.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task DeleteAccount_SameNameCreatedAgain_OldTokenStaysDead()
    {
        string secret = await CreateTokenAsAliceAsync("ansible", "Auditor");
        await AsAdmin(HttpMethod.Delete, "/api/v1/accounts/alice");

        await AsAdmin(HttpMethod.Post, "/api/v1/accounts", new { userName = "alice", role = "Administrator", password = "Another-Alice-Pass-2" });

        await AdminHttp.AssertProblemAsync(await AsToken(secret, "/api/v1/me"), 401);
    }

    [Fact]
    public async Task DisableAccount_TokenRefusedWhileDisabled_WorksAgainOnceEnabled()
    {
        string secret = await CreateTokenAsAliceAsync("ansible", "Auditor");

        await AsAdmin(HttpMethod.Patch, "/api/v1/accounts/alice", new { disabled = true });
        HttpResponseMessage whileDisabled = await AsToken(secret, "/api/v1/me");
        await AsAdmin(HttpMethod.Patch, "/api/v1/accounts/alice", new { disabled = false });
        HttpResponseMessage afterEnabled = await AsToken(secret, "/api/v1/me");

        await AdminHttp.AssertProblemAsync(whileDisabled, 401);
        Assert.Equal(HttpStatusCode.OK, afterEnabled.StatusCode);
        Assert.Contains(
            await AdminHttp.AuditAsync(_factory.Services, AuditActions.LoginFailed),
            e => e.Event.Target == "token:ansible" && e.Event.Details!.Contains(nameof(ApiTokenFailure.OwnerDisabled), StringComparison.Ordinal));
    }

    [Fact]
    public async Task DemoteAccount_TokenWithMoreRightsThanItsOwner_IsRefused()
    {
        string secret = await CreateTokenAsAliceAsync("deploy", "Administrator");

        await AsAdmin(HttpMethod.Patch, "/api/v1/accounts/alice", new { role = "Auditor" });

        await AdminHttp.AssertProblemAsync(await AsToken(secret, "/api/v1/me"), 401);
    }

    [Fact]
    public async Task CreateToken_ByATokenOfAlice_NewTokenAlsoBelongsToAliceAndDiesWithHer()
    {
        string first = await CreateTokenAsAliceAsync("ansible", "Administrator");
        HttpResponseMessage created = await AdminHttp.SendAsync(
            _client, HttpMethod.Post, "/api/v1/tokens", AdminHttp.Bearer(first), new { name = "child", role = "Monitoring" });
        JsonElement child = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("alice", child.GetProperty("owner").GetString());

        await AsAdmin(HttpMethod.Delete, "/api/v1/accounts/alice");

        await AdminHttp.AssertProblemAsync(await AsToken(child.GetProperty("secret").GetString()!, "/api/v1/me"), 401);
    }

    private async Task<string> CreateTokenAsAliceAsync(string name, string role)
    {
        HttpResponseMessage created = await AdminHttp.SendAsync(
            _client, HttpMethod.Post, "/api/v1/tokens", AdminHttp.Basic("alice", AlicePassword), new { name, role });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        JsonElement body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("alice", body.GetProperty("owner").GetString());
        return body.GetProperty("secret").GetString()!;
    }

    private Task<HttpResponseMessage> AsAdmin(HttpMethod method, string path, object? body = null) =>
        AdminHttp.SendAsync(_client, method, path, AdminHttp.Admin, body);

    private Task<HttpResponseMessage> AsToken(string secret, string path) =>
        AdminHttp.SendAsync(_client, HttpMethod.Get, path, AdminHttp.Bearer(secret));
}

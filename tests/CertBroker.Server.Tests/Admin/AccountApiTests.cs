using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CertBroker.Core.Audit;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Admin;

/// <summary>The accounts API as an Administrator uses it, and what the affected users then see.</summary>
public sealed class AccountApiTests : IAsyncLifetime
{
    private const string Password = "Correct-Horse-7";

    private readonly BrokerFactory _factory = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Create_PasswordBreakingThePolicy_Returns400ListingEveryRule()
    {
        HttpResponseMessage response = await PostAsync("/api/v1/accounts", new { userName = "alice", role = "Auditor", password = "aaab" });

        JsonElement problem = await AdminHttp.AssertProblemAsync(response, 400);
        Assert.Equal(
            ["MinimumLength", "RequiresUpperCase", "RequiresDigit", "RequiresSymbol", "NoThreeIdenticalConsecutive"],
            problem.GetProperty("violatedRules").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(5, problem.GetProperty("errors").GetProperty("password").GetArrayLength());
    }

    [Fact]
    public async Task Create_ThenOwnerChangesPassword_WarningClearedAndBothAudited()
    {
        HttpResponseMessage created = await PostAsync("/api/v1/accounts", new { userName = "alice", role = "Auditor", password = Password });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/accounts/alice", created.Headers.Location?.OriginalString);

        JsonElement before = await MeAsync(AdminHttp.Basic("alice", Password));
        HttpResponseMessage changed = await AdminHttp.SendAsync(
            _client, HttpMethod.Post, "/api/v1/me/password", AdminHttp.Basic("alice", Password), new { currentPassword = Password, newPassword = "Alice-Own-Pass-9" });
        JsonElement after = await MeAsync(AdminHttp.Basic("alice", "Alice-Own-Pass-9"));

        Assert.Equal(["password-change-required"], before.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Empty(after.GetProperty("warnings").EnumerateArray());
        Assert.Equal("admin", Assert.Single(await AdminHttp.AuditAsync(_factory.Services, AuditActions.AccountCreated)).Event.Actor);
        StoredAuditEvent passwordChange = Assert.Single(await AdminHttp.AuditAsync(_factory.Services, AuditActions.PasswordChanged));
        Assert.Equal(("alice", "alice"), (passwordChange.Event.Actor, passwordChange.Event.Target));
    }

    [Fact]
    public async Task ChangeOwnPassword_WrongCurrentOrSameAgain_Returns400()
    {
        HttpResponseMessage wrongCurrent = await AdminHttp.SendAsync(
            _client, HttpMethod.Post, "/api/v1/me/password", AdminHttp.Admin, new { currentPassword = "Not-It-12345!", newPassword = "Brand-New-Pass-1" });
        HttpResponseMessage same = await AdminHttp.SendAsync(
            _client, HttpMethod.Post, "/api/v1/me/password", AdminHttp.Admin, new { currentPassword = BrokerFactory.AdminPassword, newPassword = BrokerFactory.AdminPassword });

        Assert.True((await AdminHttp.AssertProblemAsync(wrongCurrent, 400)).GetProperty("errors").TryGetProperty("currentPassword", out _));
        Assert.Contains("DifferentFromCurrent", (await AdminHttp.AssertProblemAsync(same, 400)).GetProperty("violatedRules").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Create_TakenUserNameInOtherCase_Returns409()
    {
        HttpResponseMessage response = await PostAsync("/api/v1/accounts", new { userName = "ADMIN", role = "Auditor", password = Password });

        await AdminHttp.AssertProblemAsync(response, 409);
    }

    [Fact]
    public async Task LastEnabledAdministrator_CannotBeDisabledDemotedOrDeleted()
    {
        HttpResponseMessage disable = await AdminHttp.SendAsync(_client, HttpMethod.Patch, "/api/v1/accounts/admin", AdminHttp.Admin, new { disabled = true });
        HttpResponseMessage demote = await AdminHttp.SendAsync(_client, HttpMethod.Patch, "/api/v1/accounts/admin", AdminHttp.Admin, new { role = "Auditor" });
        HttpResponseMessage delete = await AdminHttp.SendAsync(_client, HttpMethod.Delete, "/api/v1/accounts/admin", AdminHttp.Admin);

        await AdminHttp.AssertProblemAsync(disable, 409);
        await AdminHttp.AssertProblemAsync(demote, 409);
        await AdminHttp.AssertProblemAsync(delete, 409);
        Assert.Equal(HttpStatusCode.OK, (await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin)).StatusCode);
    }

    [Fact]
    public async Task Disable_ThenEnable_SignInRefusedThenAccepted()
    {
        await CreateAsync("bob", "SecurityAdministrator");

        JsonElement disabled = await (await AdminHttp.SendAsync(_client, HttpMethod.Patch, "/api/v1/accounts/bob", AdminHttp.Admin, new { disabled = true })).Content.ReadFromJsonAsync<JsonElement>();
        HttpResponseMessage refused = await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("bob", Password));
        await AdminHttp.SendAsync(_client, HttpMethod.Patch, "/api/v1/accounts/bob", AdminHttp.Admin, new { disabled = false });
        HttpResponseMessage accepted = await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("bob", Password));

        Assert.True(disabled.GetProperty("disabled").GetBoolean());
        await AdminHttp.AssertProblemAsync(refused, 401);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(["Disabled.", "Enabled."], (await AdminHttp.AuditAsync(_factory.Services, AuditActions.AccountChanged)).Select(e => e.Event.Details));
    }

    [Fact]
    public async Task Unlock_LockedAccount_SignsInAgain()
    {
        await CreateAsync("carol", "Auditor");
        for (int i = 0; i < 5; i++)
        {
            await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("carol", "Wrong-Guess-" + i));
        }

        HttpResponseMessage locked = await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("carol", Password));
        JsonElement listed = await (await _client.SendAsync(Get("/api/v1/accounts/carol"))).Content.ReadFromJsonAsync<JsonElement>();
        HttpResponseMessage unlock = await AdminHttp.SendAsync(_client, HttpMethod.Post, "/api/v1/accounts/carol/unlock", AdminHttp.Admin);
        HttpResponseMessage afterUnlock = await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("carol", Password));

        await AdminHttp.AssertProblemAsync(locked, 401);
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("lockedUntil").ValueKind);
        Assert.Equal(HttpStatusCode.OK, unlock.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterUnlock.StatusCode);
        Assert.Single(await AdminHttp.AuditAsync(_factory.Services, AuditActions.AccountUnlocked));
    }

    [Fact]
    public async Task ResetPassword_OldPasswordStopsWorking_NewOneMustBeChanged()
    {
        await CreateAsync("dave", "Auditor");

        HttpResponseMessage reset = await AdminHttp.SendAsync(_client, HttpMethod.Post, "/api/v1/accounts/dave/password", AdminHttp.Admin, new { password = "Temporary-Pass-5" });
        HttpResponseMessage old = await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("dave", Password));
        JsonElement me = await MeAsync(AdminHttp.Basic("dave", "Temporary-Pass-5"));
        HttpResponseMessage weak = await AdminHttp.SendAsync(_client, HttpMethod.Post, "/api/v1/accounts/dave/password", AdminHttp.Admin, new { password = "short" });

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        await AdminHttp.AssertProblemAsync(old, 401);
        Assert.Contains("password-change-required", me.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()));
        await AdminHttp.AssertProblemAsync(weak, 400);
    }

    [Fact]
    public async Task Delete_Account_GoneAndAudited()
    {
        await CreateAsync("erin", "Monitoring");

        HttpResponseMessage deleted = await AdminHttp.SendAsync(_client, HttpMethod.Delete, "/api/v1/accounts/erin", AdminHttp.Admin);
        HttpResponseMessage again = await AdminHttp.SendAsync(_client, HttpMethod.Delete, "/api/v1/accounts/erin", AdminHttp.Admin);
        HttpResponseMessage get = await _client.SendAsync(Get("/api/v1/accounts/erin"));
        JsonElement list = await (await _client.SendAsync(Get("/api/v1/accounts"))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AdminHttp.AssertProblemAsync(again, 404);
        await AdminHttp.AssertProblemAsync(get, 404);
        Assert.Equal(["admin"], list.EnumerateArray().Select(a => a.GetProperty("userName").GetString()));
        Assert.Equal("erin", Assert.Single(await AdminHttp.AuditAsync(_factory.Services, AuditActions.AccountDeleted)).Event.Target);
    }

    [Fact]
    public async Task Create_UnknownRoleInJson_Returns400ProblemNamingTheBody()
    {
        HttpResponseMessage response = await PostAsync("/api/v1/accounts", new { userName = "frank", role = "Wizard", password = Password });

        JsonElement problem = await AdminHttp.AssertProblemAsync(response, 400);
        Assert.Contains("JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NotJson_Returns415Problem()
    {
        using HttpRequestMessage request = Post("/api/v1/accounts");
        request.Content = new StringContent("userName=frank", Encoding.UTF8, "application/x-www-form-urlencoded");

        await AdminHttp.AssertProblemAsync(await _client.SendAsync(request), 415);
    }

    private async Task CreateAsync(string userName, string role)
    {
        HttpResponseMessage response = await PostAsync("/api/v1/accounts", new { userName, role, password = Password, mustChangePassword = false });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private Task<HttpResponseMessage> PostAsync(string path, object body) => AdminHttp.SendAsync(_client, HttpMethod.Post, path, AdminHttp.Admin, body);

    private async Task<JsonElement> MeAsync(System.Net.Http.Headers.AuthenticationHeaderValue authorization)
    {
        HttpResponseMessage response = await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", authorization);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path) { Headers = { Authorization = AdminHttp.Admin } };

    private static HttpRequestMessage Post(string path) => new(HttpMethod.Post, path) { Headers = { Authorization = AdminHttp.Admin } };
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Admin;

/// <summary>HTTP Basic for accounts, Bearer for API tokens, lockout, and the 401/403 problem answers.</summary>
public sealed class AuthenticationTests : IAsyncLifetime
{
    private readonly BrokerFactory _factory = new();
    private readonly FakeTimeProvider _clock = TestClock.StartingNow();
    private WebApplicationFactoryWithClock? _host;

    private IServiceProvider Services => _host!.Services;

    public Task InitializeAsync()
    {
        _host = new WebApplicationFactoryWithClock(_factory, _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Me_BootstrapAdminWithBasic_ReturnsIdentityPermissionsAndBootstrapWarning()
    {
        using HttpClient client = _host!.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement me = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("admin", me.GetProperty("name").GetString());
        Assert.Equal("account", me.GetProperty("kind").GetString());
        Assert.Equal("Administrator", me.GetProperty("role").GetString());
        Assert.Contains("ManageAccounts", me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("bootstrap-password", Assert.Single(me.GetProperty("warnings").EnumerateArray()).GetProperty("code").GetString());
        Assert.Single(await AdminHttp.AuditAsync(Services, AuditActions.BootstrapAdminCreated));
    }

    [Fact]
    public async Task Me_WrongPassword_Returns401ProblemNamingBothSchemesAndAuditsFailure()
    {
        using HttpClient client = _host!.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("admin", "Not-The-Password-1"));

        JsonElement problem = await AdminHttp.AssertProblemAsync(response, 401);
        Assert.Equal("The credentials were not accepted.", problem.GetProperty("detail").GetString());
        Assert.Equal(
            ["Basic realm=\"CertBroker\", charset=\"UTF-8\"", "Bearer realm=\"CertBroker\""],
            response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        StoredAuditEvent failure = Assert.Single(await AdminHttp.AuditAsync(Services, AuditActions.LoginFailed));
        Assert.Equal("admin", failure.Event.Target);
        Assert.Equal(AuditOutcome.Failure, failure.Event.Outcome);
        Assert.DoesNotContain("Not-The-Password-1", failure.Event.Details ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Me_NoCredentials_Returns401ProblemExplainingHowToAuthenticate()
    {
        using HttpClient client = _host!.CreateClient();

        HttpResponseMessage response = await client.GetAsync("/api/v1/me");

        JsonElement problem = await AdminHttp.AssertProblemAsync(response, 401);
        Assert.Contains("Bearer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, response.Headers.WwwAuthenticate.Count);
    }

    [Fact]
    public async Task Me_MalformedBasic_Returns401()
    {
        using HttpClient client = _host!.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", new("Basic", "not base64!"));

        await AdminHttp.AssertProblemAsync(response, 401);
    }

    [Fact]
    public async Task Me_ValidBearerToken_ReturnsTokenIdentity()
    {
        using HttpClient client = _host!.CreateClient();
        string secret = await AdminHttp.CreateTokenAsync(Services, Role.Monitoring, "grafana", _clock.GetUtcNow().AddDays(1));

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Bearer(secret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement me = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("grafana", me.GetProperty("name").GetString());
        Assert.Equal("token", me.GetProperty("kind").GetString());
        Assert.Equal("Monitoring", me.GetProperty("role").GetString());
        Assert.Equal(["ReadReports", "ReadMetrics"], me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        StoredAuditEvent login = Assert.Single(await AdminHttp.AuditAsync(Services, AuditActions.Login));
        Assert.Equal("token:grafana", login.Event.Actor);
    }

    [Fact]
    public async Task Me_UnknownOrExpiredBearerToken_Returns401WithInvalidTokenError()
    {
        using HttpClient client = _host!.CreateClient();
        string expiring = await AdminHttp.CreateTokenAsync(Services, Role.Auditor, "short-lived", _clock.GetUtcNow().AddMinutes(5));
        _clock.Advance(TimeSpan.FromMinutes(5));

        HttpResponseMessage expired = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Bearer(expiring));
        HttpResponseMessage unknown = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Bearer(ApiTokenSecret.Generate()));

        await AdminHttp.AssertProblemAsync(expired, 401);
        await AdminHttp.AssertProblemAsync(unknown, 401);
        Assert.Contains("Bearer realm=\"CertBroker\", error=\"invalid_token\"", unknown.Headers.WwwAuthenticate.Select(h => h.ToString()));
        IReadOnlyList<StoredAuditEvent> failures = await AdminHttp.AuditAsync(Services, AuditActions.LoginFailed);
        Assert.Equal(["token:short-lived", null], failures.Select(f => f.Event.Target));
    }

    [Fact]
    public async Task Basic_FiveWrongPasswords_LocksAccountUntilLockoutPeriodEnds()
    {
        using HttpClient client = _host!.CreateClient();
        for (int i = 0; i < 5; i++)
        {
            await AdminHttp.AssertProblemAsync(await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Basic("admin", "Wrong-Password-" + i)), 401);
        }

        HttpResponseMessage whileLocked = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin);
        _clock.Advance(TimeSpan.FromMinutes(15));
        HttpResponseMessage afterwards = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin);

        await AdminHttp.AssertProblemAsync(whileLocked, 401);
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
        Assert.Equal(4, (await AdminHttp.AuditAsync(Services, AuditActions.LoginFailed)).Count);
        IReadOnlyList<StoredAuditEvent> lockouts = await AdminHttp.AuditAsync(Services, AuditActions.AccountLockedOut);
        Assert.Equal(2, lockouts.Count);
        Assert.All(lockouts, e => Assert.Equal("admin", e.Event.Target));
    }

    [Fact]
    public async Task Basic_RepeatedSuccess_AuditedOncePerInterval()
    {
        using HttpClient client = _host!.CreateClient();

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin)).StatusCode);
        }

        _clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(HttpStatusCode.OK, (await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin)).StatusCode);

        Assert.Equal(2, (await AdminHttp.AuditAsync(Services, AuditActions.Login)).Count);
    }

    [Fact]
    public async Task RoleWithoutPermission_Returns403Problem()
    {
        using HttpClient client = _host!.CreateClient();
        string monitoring = await AdminHttp.CreateTokenAsync(Services, Role.Monitoring);

        HttpResponseMessage forbidden = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/tokens", AdminHttp.Bearer(monitoring));
        HttpResponseMessage allowed = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/tokens", AdminHttp.Admin);

        JsonElement problem = await AdminHttp.AssertProblemAsync(forbidden, 403);
        Assert.Equal("Your role does not allow this.", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task PasswordChangeRequired_OnlyMeAnswers_OthersReturn403SayingWhy()
    {
        using HttpClient client = _host!.CreateClient();
        IAccountStore accounts = Services.GetRequiredService<IAccountStore>();
        AdminAccount admin = (await accounts.FindAsync("admin", CancellationToken.None))!;
        Assert.True(await accounts.UpdateAsync(admin with { MustChangePassword = true }, CancellationToken.None));

        HttpResponseMessage me = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin);
        HttpResponseMessage tokens = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/tokens", AdminHttp.Admin);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        JsonElement problem = await AdminHttp.AssertProblemAsync(tokens, 403);
        Assert.Contains("/api/v1/me/password", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScepRequest_WithBasicCredentials_NeitherCheckedNorAudited()
    {
        using HttpClient client = _host!.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, "/scep?operation=GetCACaps", AdminHttp.Basic("admin", "Wrong-Password-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await AdminHttp.AuditAsync(Services, "auth."));
        Assert.Equal(0, (await Services.GetRequiredService<IAccountStore>().FindAsync("admin", CancellationToken.None))!.FailureCount);
    }

    /// <summary>The broker with the test's clock in place of the system's.</summary>
    private sealed class WebApplicationFactoryWithClock(BrokerFactory factory, FakeTimeProvider clock)
    {
        private readonly Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _inner =
            factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));

        public IServiceProvider Services => _inner.Services;

        public HttpClient CreateClient() => _inner.CreateClient();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Admin;

/// <summary>CertBroker:Admin:PasswordPolicy:ValidityDays on a fake clock: a warning first, then only a password change.</summary>
public sealed class PasswordExpiryTests : IAsyncLifetime
{
    private readonly BrokerFactory _factory = new();
    private readonly FakeTimeProvider _clock = TestClock.StartingNow();
    private WebApplicationFactory<Program> _host = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory.Settings["CertBroker:Admin:PasswordPolicy:ValidityDays"] = "30";
        _host = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(_clock)));
        _client = _host.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Me_TenDaysBeforeExpiry_WarnsWithTheDaysLeft()
    {
        _clock.Advance(TimeSpan.FromDays(20));

        JsonElement me = await (await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin)).Content.ReadFromJsonAsync<JsonElement>();

        JsonElement soon = Assert.Single(me.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == "password-expires-soon");
        Assert.StartsWith("Your password expires in 10 days", soon.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/tokens", AdminHttp.Admin)).StatusCode);
    }

    [Fact]
    public async Task ExpiredPassword_OnlyMeAndPasswordChangeAnswer_UntilChanged()
    {
        _clock.Advance(TimeSpan.FromDays(31));

        JsonElement me = await (await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/me", AdminHttp.Admin)).Content.ReadFromJsonAsync<JsonElement>();
        HttpResponseMessage refused = await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/tokens", AdminHttp.Admin);
        HttpResponseMessage changed = await AdminHttp.SendAsync(
            _client, HttpMethod.Post, "/api/v1/me/password", AdminHttp.Admin, new { currentPassword = BrokerFactory.AdminPassword, newPassword = "Renewed-Admin-Pass-2" });
        HttpResponseMessage afterwards = await AdminHttp.SendAsync(_client, HttpMethod.Get, "/api/v1/tokens", AdminHttp.Basic("admin", "Renewed-Admin-Pass-2"));

        Assert.Contains("password-expired", me.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()));
        await AdminHttp.AssertProblemAsync(refused, 403);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }
}

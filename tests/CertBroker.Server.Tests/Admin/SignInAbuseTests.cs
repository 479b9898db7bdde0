using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CertBroker.Core.Accounts;
using CertBroker.Server.Admin;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Admin;

/// <summary>
/// The admin sign-in as an attacker on the network meets it: lockout per account and source, one answer for unknown,
/// locked and wrong, a bounded password-check queue, and a per-source limit on failures.
/// </summary>
public sealed class SignInAbuseTests : IAsyncLifetime
{
    private const string AdminsDesk = "192.0.2.10";
    private const string Attacker = "203.0.113.66";
    private const string SourceHeader = "X-Test-Source";

    private readonly BrokerFactory _factory = new();
    private WebApplicationFactory<Program>? _host;

    private IServiceProvider Services => _host!.Services;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Basic_AttackerLockedOutAtOneAddress_AdminsRightPasswordFromTheirOwnAddressStillSignsIn()
    {
        using HttpClient client = Start();
        for (int i = 0; i < 5; i++)
        {
            await AdminHttp.AssertProblemAsync(await MeAsync(client, AdminHttp.Basic("admin", "Guess-" + i), Attacker), 401);
        }

        HttpResponseMessage attackerWithRightPassword = await MeAsync(client, AdminHttp.Admin, Attacker);
        HttpResponseMessage admin = await MeAsync(client, AdminHttp.Admin, AdminsDesk);

        await AdminHttp.AssertProblemAsync(attackerWithRightPassword, 401);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task Basic_UnknownLockedAndWrong_SameStatusBodyAndKeyDerivation()
    {
        using HttpClient client = Start();
        for (int i = 0; i < 5; i++)
        {
            await MeAsync(client, AdminHttp.Basic("admin", "Guess-" + i), Attacker);
        }

        PasswordHasher hasher = Services.GetRequiredService<PasswordHasher>();
        (HttpResponseMessage wrong, long wrongCost) = await MeCostAsync(client, hasher, AdminHttp.Basic("admin", "Not-The-Password-1"), AdminsDesk);
        (HttpResponseMessage unknown, long unknownCost) = await MeCostAsync(client, hasher, AdminHttp.Basic("no-such-admin", "Not-The-Password-1"), AdminsDesk);
        (HttpResponseMessage locked, long lockedCost) = await MeCostAsync(client, hasher, AdminHttp.Admin, Attacker);

        string expected = await ComparableAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(expected, await ComparableAsync(unknown));
        Assert.Equal(expected, await ComparableAsync(locked));

        // What the answer's timing is made of: one key derivation at the configured count, on every path.
        Assert.Equal(100_000, wrongCost);
        Assert.Equal(wrongCost, unknownCost);
        Assert.Equal(wrongCost, lockedCost);
    }

    [Fact]
    public async Task Basic_BurstWhilePasswordChecksAreBusy_429AtOnceWhileBearerTokenAndScepStillWork()
    {
        _factory.Settings["CertBroker:Admin:SignInLimits:ConcurrentPasswordChecks"] = "1";
        _factory.Settings["CertBroker:Admin:SignInLimits:QueuedPasswordChecksPerProcessor"] = "0";
        using HttpClient client = Start();
        string token = await AdminHttp.CreateTokenAsync(Services, Role.Auditor, "dashboard");

        // The one slot is taken by a check that does not end until the test says so: every Basic request now finds
        // the queue full, however slowly this machine runs.
        var hold = new TaskCompletionSource<bool>();
        Task<(bool, bool)> holding = Services.GetRequiredService<PasswordCheckLimiter>().TryRunAsync(() => hold.Task, CancellationToken.None);
        PasswordHasher hasher = Services.GetRequiredService<PasswordHasher>();
        long before = hasher.IterationsRun;

        HttpResponseMessage[] burst = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => MeAsync(client, AdminHttp.Basic("admin", "Guess-" + i), Attacker)))
            .WaitAsync(TimeSpan.FromSeconds(60));
        HttpResponseMessage bearer = await MeAsync(client, AdminHttp.Bearer(token), Attacker).WaitAsync(TimeSpan.FromSeconds(30));
        HttpResponseMessage scep = await client.GetAsync("/scep?operation=GetCACaps").WaitAsync(TimeSpan.FromSeconds(30));

        foreach (HttpResponseMessage response in burst)
        {
            JsonElement problem = await AdminHttp.AssertProblemAsync(response, 429);
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            Assert.Contains("Retry-After", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, hasher.IterationsRun - before);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scep.StatusCode);

        // Nothing was checked, so nothing was counted against the admin: once the slot is free, the password works.
        hold.SetResult(true);
        await holding;
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(client, AdminHttp.Admin, AdminsDesk)).StatusCode);
    }

    [Fact]
    public async Task Basic_SourceKeepsFailingAcrossNames_429WithoutAKeyDerivationOthersUnaffected()
    {
        _factory.Settings["CertBroker:Admin:SignInLimits:SourceFailureLimit"] = "3";
        using HttpClient client = Start();
        foreach (string name in new[] { "admin", "root", "operator" })
        {
            await AdminHttp.AssertProblemAsync(await MeAsync(client, AdminHttp.Basic(name, "Guess-1"), Attacker), 401);
        }

        PasswordHasher hasher = Services.GetRequiredService<PasswordHasher>();
        (HttpResponseMessage refused, long refusedCost) = await MeCostAsync(client, hasher, AdminHttp.Basic("auditor", "Guess-1"), Attacker);
        HttpResponseMessage admin = await MeAsync(client, AdminHttp.Admin, AdminsDesk);

        await AdminHttp.AssertProblemAsync(refused, 429);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(0, refusedCost);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    private HttpClient Start()
    {
        _host = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(
            services => services.AddSingleton<IStartupFilter, TestSourceAddress>()));
        return _host.CreateClient();
    }

    private static async Task<HttpResponseMessage> MeAsync(HttpClient client, AuthenticationHeaderValue authorization, string source)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = authorization;
        request.Headers.Add(SourceHeader, source);
        return await client.SendAsync(request);
    }

    private static async Task<(HttpResponseMessage Response, long Iterations)> MeCostAsync(
        HttpClient client, PasswordHasher hasher, AuthenticationHeaderValue authorization, string source)
    {
        long before = hasher.IterationsRun;
        HttpResponseMessage response = await MeAsync(client, authorization, source);
        return (response, hasher.IterationsRun - before);
    }

    /// <summary>Status, authentication challenge and problem body, without the per-request trace id.</summary>
    private static async Task<string> ComparableAsync(HttpResponseMessage response)
    {
        JsonObject body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return $"{(int)response.StatusCode}\n{string.Join("\n", response.Headers.WwwAuthenticate)}\n{body.ToJsonString()}";
    }

    /// <summary>Gives each test request the client address it names, as a real connection would have.</summary>
    private sealed class TestSourceAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(SourceHeader, out var source))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(source.ToString());
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

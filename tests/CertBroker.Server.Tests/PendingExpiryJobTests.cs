using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CertBroker.Core.Audit;
using CertBroker.Scep;
using CertBroker.Server.Jobs;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CertBroker.Server.Tests;

/// <summary>The scheduled pending-request expiry job, on the host's (fake) clock: pending requests nobody decided fail as expired.</summary>
public sealed class PendingExpiryJobTests : IAsyncLifetime
{
    private readonly BrokerFactory _factory = new();
    private readonly FakeTimeProvider _clock = TestClock.StartingNow();
    private WebApplicationFactory<Program>? _host;

    public Task InitializeAsync()
    {
        _factory.Settings["CertBroker:Profiles:default:Approval"] = "Manual";
        _factory.Settings["CertBroker:Profiles:default:PendingExpiryDays"] = "3";
        _host = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(_clock)));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task RunAsync_PastPendingExpiryDays_ExpiresTheRequestAndAuditsItAsSystem()
    {
        HttpClient client = _host!.CreateClient();
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client);
        using var device = new Device(30);
        SentRequest request = ScepHttp.PkcsReq(ca, device, "CN=forgotten-device", BrokerFactory.Challenge);
        HttpResponseMessage queued = await client.PostAsync("/scep?operation=PKIOperation", new ByteArrayContent(request.Encoded));
        Assert.Equal(PkiStatus.Pending, request.Open(await queued.Content.ReadAsByteArrayAsync()).Message.Status);
        PendingExpiryJob job = ActivatorUtilities.CreateInstance<PendingExpiryJob>(_host.Services);

        _clock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1));
        await job.RunAsync(CancellationToken.None);
        Assert.Equal("pending", (await RequestAsync(client, "forgotten-device")).GetProperty("status").GetString());
        _clock.Advance(TimeSpan.FromMinutes(1));
        await job.RunAsync(CancellationToken.None);

        JsonElement expired = await RequestAsync(client, "forgotten-device");
        Assert.Equal(("expired", "system"), (expired.GetProperty("status").GetString(), expired.GetProperty("decidedBy").GetString()));
        StoredAuditEvent audited = Assert.Single(await AdminHttp.AuditAsync(_host.Services, AuditActions.RequestExpired));
        Assert.Equal("system", audited.Event.Actor);
        HttpResponseMessage resent = await client.PostAsync("/scep?operation=PKIOperation", new ByteArrayContent(request.Encoded));
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        CertRepContent reply = request.Open(await resent.Content.ReadAsByteArrayAsync());
        Assert.Equal((PkiStatus.Failure, FailInfo.BadRequest), (reply.Message.Status, reply.Message.FailInfo));
    }

    private static async Task<JsonElement> RequestAsync(HttpClient client, string subjectText)
    {
        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, $"/api/v1/requests?status=all&q={subjectText}", AdminHttp.Admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
    }
}

using System.Net;
using CertBroker.Core.Audit;
using CertBroker.Scep;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests;

/// <summary>Behind a reverse proxy: X-Forwarded-For counts only when it comes from a configured proxy.</summary>
public sealed class ForwardedHeadersTests
{
    private const string Forwarded = "198.51.100.7";

    [Fact]
    public async Task PkcsReq_ForwardedForFromATrustedProxy_IsTheSourceTheAuditTrailCounts()
    {
        await using var broker = new BrokerFactory();
        broker.Settings["CertBroker:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";

        string? source = await WrongChallengeSourceAsync(broker);

        Assert.Equal(Forwarded, source);
    }

    [Fact]
    public async Task PkcsReq_ForwardedForWithoutAConfiguredProxy_IsIgnored()
    {
        await using var broker = new BrokerFactory();

        string? source = await WrongChallengeSourceAsync(broker);

        Assert.Equal("127.0.0.1", source);
    }

    [Fact]
    public void Start_ProxyThatIsNotAnAddress_IsAConfigurationProblem()
    {
        var problems = new Hosting.ForwardedHeadersSettingsValidator().Validate(null, new Hosting.ForwardedHeadersSettings
        {
            KnownProxies = ["proxy.example.com"],
            KnownNetworks = ["10.0.0.0/33"],
            ForwardLimit = 0,
        });

        Assert.Equal(3, problems.Failures!.Count());
    }

    private static async Task<string?> WrongChallengeSourceAsync(BrokerFactory broker)
    {
        broker.UseKestrel(0);
        broker.StartServer();
        string address = broker.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)) };
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client);
        using var device = new Device(20);
        SentRequest request = ScepHttp.PkcsReq(ca, device, "CN=proxied-device", "wrong challenge");
        using var message = new HttpRequestMessage(HttpMethod.Post, "/scep?operation=PKIOperation") { Content = new ByteArrayContent(request.Encoded) };
        message.Headers.Add("X-Forwarded-For", Forwarded);

        HttpResponseMessage response = await client.SendAsync(message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PkiStatus.Failure, request.Open(await response.Content.ReadAsByteArrayAsync()).Message.Status);
        IAuditTrail trail = broker.Services.GetRequiredService<IAuditTrail>();
        IReadOnlyList<StoredAuditEvent> failed = await trail.ListAsync(new AuditQuery { Action = AuditActions.ChallengeFailed }, CancellationToken.None);
        return Assert.Single(failed).Event.SourceAddress;
    }
}

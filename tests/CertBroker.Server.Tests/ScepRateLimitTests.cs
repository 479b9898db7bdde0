using System.Net;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests;

/// <summary>
/// The large-CSR loop, as an attacker on the network would try it: refused requests with a 40 KB CSR from one address.
/// </summary>
public sealed class ScepRateLimitTests : IAsyncLifetime
{
    private const int MaxFailures = 10;
    private readonly BrokerFactory _broker = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _broker.Settings["CertBroker:ScepRateLimit:MaxFailures"] = MaxFailures.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _broker.UseKestrel(0);
        _broker.StartServer();
        string address = _broker.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)) };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task PkiOperation_LoopOfRefusedLargeRequests_AnsweredTooManyRequestsAndStoresABoundedSummaryOfEach()
    {
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(_client);
        var statuses = new List<HttpStatusCode>();
        var bulk = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        bulk.WriteOctetString(new byte[40_000]);
        var padding = new X509Extension("1.3.6.1.4.1.311.21.7", bulk.Encode(), critical: false);
        using var device = new Device(21);
        var sent = new List<SentRequest>();
        for (int i = 0; i < 3 * MaxFailures; i++)
        {
            SentRequest request = ScepHttp.PkcsReq(ca, device, $"CN=flood-{i}", "wrong challenge", padding);
            sent.Add(request);
            HttpResponseMessage response = await _client.PostAsync("/scep?operation=PKIOperation", new ByteArrayContent(request.Encoded));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
            }
        }

        HttpResponseMessage caps = await _client.GetAsync("/scep?operation=GetCACaps");

        Assert.Equal(MaxFailures, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2 * MaxFailures, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.OK, caps.StatusCode);
        IEnrolmentStore store = _broker.Services.GetRequiredService<IEnrolmentStore>();
        int stored = 0;
        foreach (SentRequest request in sent)
        {
            if (await store.FindTransactionAsync("default", request.TransactionId, CancellationToken.None) is { } transaction)
            {
                stored++;
                Assert.Null(transaction.CertificationRequest);
                Assert.True(transaction.Subject.Length <= 201);
            }
        }

        // Five wrong challenges lock the source out (CertBroker:ChallengeLockout's default); a locked-out request stores nothing.
        Assert.Equal(5, stored);
        IReadOnlyList<StoredAuditEvent> events = await _broker.Services.GetRequiredService<IAuditTrail>().ListAsync(new AuditQuery { Limit = 1000 }, CancellationToken.None);
        Assert.All(events, e => Assert.True((e.Event.Details?.Length ?? 0) <= 2_000));
    }
}

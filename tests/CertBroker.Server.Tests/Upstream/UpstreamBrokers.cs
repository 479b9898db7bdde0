using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CertBroker.Core.Approvals;
using CertBroker.Issuers.Ndes;
using CertBroker.Scep;
using CertBroker.Scep.Cms;
using CertBroker.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Upstream;

/// <summary>
/// Two real brokers: an upstream CertBroker on Kestrel at a loopback port, standing in for NDES (profile
/// <c>default</c>: static challenge, automatic issuance; profile <c>manual</c>: one-time passwords from its
/// mscep_admin page and Manual approval), and a front broker in process whose profiles <c>ndes</c> and
/// <c>ndes-otp</c> have <c>Backend=Ndes</c> pointing at them. The front's upstream job is driven by the tests.
/// </summary>
public sealed class UpstreamBrokers : IAsyncLifetime
{
    public const string StaticProfile = "ndes";
    public const string OneTimeProfile = "ndes-otp";
    public const string ManualProfile = "ndes-manual";
    public const string UnreachableProfile = "ndes-down";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    public BrokerFactory Upstream { get; } = new();

    public BrokerFactory Front { get; } = new();

    public Uri UpstreamAddress { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Upstream.Settings["CertBroker:Profiles:manual:Challenge"] = "OneTime";
        Upstream.Settings["CertBroker:Profiles:manual:Approval"] = "Manual";
        Upstream.UseKestrel(0);
        Upstream.StartServer();
        string address = Upstream.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        UpstreamAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));

        string upstream = UpstreamAddress.ToString().TrimEnd('/');
        string prefix = $"CertBroker:Profiles:{StaticProfile}";
        Front.Settings[$"{prefix}:Backend"] = "Ndes";
        Front.Settings[$"{prefix}:Ndes:Url"] = $"{upstream}/scep";
        Front.Settings[$"{prefix}:Ndes:Challenge"] = BrokerFactory.Challenge;
        Front.Settings[$"{prefix}:Ndes:PollIntervalSeconds"] = "5";
        Front.Settings[$"{prefix}:Ndes:RetryDelaySeconds"] = "1";
        prefix = $"CertBroker:Profiles:{OneTimeProfile}";
        Front.Settings[$"{prefix}:Backend"] = "Ndes";
        Front.Settings[$"{prefix}:Ndes:Url"] = $"{upstream}/scep/manual";
        Front.Settings[$"{prefix}:Ndes:AdminUrl"] = $"{upstream}/certsrv/mscep_admin?profile=manual";
        Front.Settings[$"{prefix}:Ndes:UserName"] = "admin";
        Front.Settings[$"{prefix}:Ndes:Password"] = BrokerFactory.AdminPassword;
        Front.Settings[$"{prefix}:Ndes:PollIntervalSeconds"] = "5";
        prefix = $"CertBroker:Profiles:{ManualProfile}";
        Front.Settings[$"{prefix}:Backend"] = "Ndes";
        Front.Settings[$"{prefix}:Approval"] = "Manual";
        Front.Settings[$"{prefix}:Ndes:Url"] = $"{upstream}/scep";
        Front.Settings[$"{prefix}:Ndes:Challenge"] = BrokerFactory.Challenge;
        Front.Settings[$"{prefix}:Ndes:RaSubject"] = "CN=CertBroker RA manual";

        // Port 1 on loopback: nothing listens, so the connection is refused at once.
        prefix = $"CertBroker:Profiles:{UnreachableProfile}";
        Front.Settings[$"{prefix}:Backend"] = "Ndes";
        Front.Settings[$"{prefix}:Ndes:Url"] = "http://127.0.0.1:1/scep";
        Front.Settings[$"{prefix}:Ndes:Challenge"] = "unused";
        Front.Settings["CertBroker:Schedule:Enabled"] = "false";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Front.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    public HttpClient UpstreamClient() => new() { BaseAddress = UpstreamAddress };

    /// <summary>The front profile's GetCACert once its RA identity exists; approves the RA's request upstream when it waits there.</summary>
    internal async Task<CaCertificates> ReadyAsync(HttpClient front, string profile)
    {
        NdesUpstream upstream = Front.Services.GetRequiredService<NdesUpstreams>().All.Single(u => u.ProfileName == profile);
        DateTimeOffset until = DateTimeOffset.UtcNow + Deadline;
        while (true)
        {
            HttpResponseMessage response = await front.GetAsync($"/scep/{profile}?operation=GetCACert");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await ScepHttp.GetCaCertificatesAsync(front, $"/scep/{profile}");
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(DateTimeOffset.UtcNow < until, $"Profile {profile} did not become ready.");
            await ApprovePendingAsync("CN=CertBroker RA");
            await upstream.RefreshAsync(CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            await Task.Delay(200);
        }
    }

    /// <summary>Approves, at the upstream, pending requests whose subject contains <paramref name="subject"/>; returns how many.</summary>
    public async Task<int> ApprovePendingAsync(string subject)
    {
        using HttpClient client = UpstreamClient();
        HttpResponseMessage list = await AdminHttp.SendAsync(client, HttpMethod.Get, $"/api/v1/requests?status=pending&q={Uri.EscapeDataString(subject)}", AdminHttp.Admin);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        int approved = 0;
        foreach (JsonElement request in (await list.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray())
        {
            HttpResponseMessage decision = await AdminHttp.SendAsync(client, HttpMethod.Post, $"/api/v1/requests/{request.GetProperty("id").GetInt64()}/approve", AdminHttp.Admin);
            Assert.Equal(HttpStatusCode.OK, decision.StatusCode);
            approved++;
        }

        return approved;
    }

    /// <summary>Runs the front's upstream job until <paramref name="done"/> holds.</summary>
    public async Task RunUpstreamJobUntilAsync(Func<Task<bool>> done)
    {
        UpstreamPoller poller = Front.Services.GetRequiredService<UpstreamPoller>();
        DateTimeOffset until = DateTimeOffset.UtcNow + Deadline;
        while (!await done())
        {
            Assert.True(DateTimeOffset.UtcNow < until, "The upstream job did not get there.");
            await poller.RunDueAsync(CancellationToken.None);
            await Task.Delay(250);
        }
    }

    /// <summary>A PKCSReq to the front, enveloped to its RA (the front presents one RA certificate for both uses).</summary>
    internal static SentRequest PkcsReq(CaCertificates ca, Device device, string subject, string? challenge)
    {
        string transactionId = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        byte[] nonce = RandomNumberGenerator.GetBytes(16);
        byte[] encoded = PkiRequest.Write(
            MessageType.PkcsReq, transactionId, nonce, device.Csr(subject, challenge), [ca.RaSigning], ContentEncryptionAlgorithm.Aes256Cbc,
            new CmsSigner(device.SelfSigned, device.Key, HashAlgorithmName.SHA256), DateTimeOffset.UtcNow);
        return new SentRequest(encoded, transactionId, nonce, device);
    }

    /// <summary>A CertPoll for <paramref name="sent"/>'s transaction.</summary>
    internal static byte[] CertPoll(CaCertificates ca, SentRequest sent, string subject) => PkiRequest.Write(
        MessageType.CertPoll, sent.TransactionId, RandomNumberGenerator.GetBytes(16),
        PkiRequest.IssuerAndSubject(ca.Ca.SubjectName, new X500DistinguishedName(subject)), [ca.RaSigning], ContentEncryptionAlgorithm.Aes256Cbc,
        new CmsSigner(sent.Device.SelfSigned, sent.Device.Key, HashAlgorithmName.SHA256), DateTimeOffset.UtcNow);
}

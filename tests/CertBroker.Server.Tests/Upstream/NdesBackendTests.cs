using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;
using CertBroker.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Upstream;

/// <summary>
/// A front broker with <c>Backend=Ndes</c> profiles in front of a real upstream CertBroker over HTTP: devices see
/// the broker's RA and the upstream CA, requests are checked locally first, certificates come from the upstream CA
/// and land in the front's inventory.
/// </summary>
public sealed class NdesBackendTests(UpstreamBrokers brokers) : IClassFixture<UpstreamBrokers>
{
    private const string PkiOperation = "operation=PKIOperation";

    [Fact]
    public async Task GetCaCert_NdesProfile_PresentsBrokerRaIssuedByUpstreamCaThenUpstreamCa()
    {
        HttpClient front = brokers.Front.CreateClient();
        using HttpClient upstream = brokers.UpstreamClient();

        CaCertificates ca = await brokers.ReadyAsync(front, UpstreamBrokers.StaticProfile);
        CaCertificates upstreamCa = await ScepHttp.GetCaCertificatesAsync(upstream);

        Assert.Equal(2, ca.All.Count);
        Assert.Matches("^CN=CertBroker RA ndes [0-9A-F]{8}$", ca.RaSigning.Subject);
        Assert.Equal(upstreamCa.Ca.RawData, ca.Ca.RawData);
        Assert.Equal(upstreamCa.Ca.Subject, ca.RaSigning.Issuer);
    }

    [Fact]
    public async Task PkiOperation_StaticUpstreamChallenge_IssuesFromUpstreamCaIntoFrontInventory()
    {
        HttpClient front = brokers.Front.CreateClient();
        CaCertificates ca = await brokers.ReadyAsync(front, UpstreamBrokers.StaticProfile);
        using var device = new Device(41);
        SentRequest request = UpstreamBrokers.PkcsReq(ca, device, "CN=printer-upstream-1", BrokerFactory.Challenge);

        HttpResponseMessage response = await front.PostAsync($"/scep/ndes?{PkiOperation}", new ByteArrayContent(request.Encoded));

        CertRepContent reply = request.Open(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(PkiStatus.Success, reply.Message.Status);
        Assert.Equal(ca.RaSigning.RawData, reply.Message.Signer.RawData);
        X509Certificate2 issued = reply.Certificates[0];
        Assert.Equal("CN=printer-upstream-1", issued.Subject);
        Assert.True(ChainsTo(issued, ca.Ca), "The certificate does not chain to the upstream CA.");

        string serial = CertificateRecords.SerialHex(Convert.FromHexString(issued.SerialNumber));
        CertificateRecord? inFront = await brokers.Front.Services.GetRequiredService<ICertificateStore>().FindBySerialAsync(serial, CancellationToken.None);
        Assert.NotNull(inFront);
        Assert.Equal(UpstreamBrokers.StaticProfile, inFront.Profile);
        Assert.NotNull(inFront.RenewalDueAt);
        UpstreamRequest? relayed = await brokers.Front.Services.GetRequiredService<IUpstreamRequestStore>()
            .FindUpstreamRequestAsync(UpstreamBrokers.StaticProfile, request.TransactionId, CancellationToken.None);
        Assert.Equal(UpstreamRequestState.Issued, relayed?.State);
        Assert.Equal("AES-128-CBC", relayed?.Cipher);
        Assert.Equal("SHA-512", relayed?.Digest);
    }

    [Fact]
    public async Task PkiOperation_ResentAfterSuccess_AnswersSameCertificateWithoutAskingUpstreamAgain()
    {
        HttpClient front = brokers.Front.CreateClient();
        CaCertificates ca = await brokers.ReadyAsync(front, UpstreamBrokers.StaticProfile);
        using var device = new Device(42);
        SentRequest request = UpstreamBrokers.PkcsReq(ca, device, "CN=printer-upstream-2", BrokerFactory.Challenge);

        CertRepContent first = request.Open(await (await front.PostAsync($"/scep/ndes?{PkiOperation}", new ByteArrayContent(request.Encoded))).Content.ReadAsByteArrayAsync());
        CertRepContent again = request.Open(await (await front.PostAsync($"/scep/ndes?{PkiOperation}", new ByteArrayContent(request.Encoded))).Content.ReadAsByteArrayAsync());

        Assert.Equal(PkiStatus.Success, again.Message.Status);
        Assert.Equal(first.Certificates[0].SerialNumber, again.Certificates[0].SerialNumber);
        Assert.Equal(1, await UpstreamCertificatesForAsync("CN=printer-upstream-2"));
    }

    [Fact]
    public async Task PkiOperation_WrongChallenge_RefusedLocallyAndNeverRelayed()
    {
        HttpClient front = brokers.Front.CreateClient();
        CaCertificates ca = await brokers.ReadyAsync(front, UpstreamBrokers.StaticProfile);
        using var device = new Device(43);
        SentRequest request = UpstreamBrokers.PkcsReq(ca, device, "CN=printer-wrong-password", "not-the-challenge");

        HttpResponseMessage response = await front.PostAsync($"/scep/ndes?{PkiOperation}", new ByteArrayContent(request.Encoded));

        CertRepContent reply = request.Open(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(PkiStatus.Failure, reply.Message.Status);
        Assert.Equal(FailInfo.BadRequest, reply.Message.FailInfo);
        Assert.Null(await brokers.Front.Services.GetRequiredService<IUpstreamRequestStore>()
            .FindUpstreamRequestAsync(UpstreamBrokers.StaticProfile, request.TransactionId, CancellationToken.None));
        Assert.Equal(0, await UpstreamCertificatesForAsync("CN=printer-wrong-password"));
    }

    [Fact]
    public async Task PkiOperation_UpstreamOneTimePasswordAndManualApproval_PendingUntilApprovedUpstreamThenIssued()
    {
        HttpClient front = brokers.Front.CreateClient();
        CaCertificates ca = await brokers.ReadyAsync(front, UpstreamBrokers.OneTimeProfile);

        // The admin asks the front for a password; the front fetches it from the upstream's mscep_admin page.
        HttpResponseMessage page = await AdminHttp.SendAsync(front, HttpMethod.Get, $"/certsrv/mscep_admin?profile={UpstreamBrokers.OneTimeProfile}", AdminHttp.Admin);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string password = Issuers.Ndes.NdesAdminPageParser.ReadPassword(await page.Content.ReadAsByteArrayAsync())!;
        using var device = new Device(44);
        SentRequest request = UpstreamBrokers.PkcsReq(ca, device, "CN=router-upstream-approval", password);

        HttpResponseMessage response = await front.PostAsync($"/scep/{UpstreamBrokers.OneTimeProfile}?{PkiOperation}", new ByteArrayContent(request.Encoded));
        Assert.Equal(PkiStatus.Pending, request.Open(await response.Content.ReadAsByteArrayAsync()).Message.Status);

        Assert.Equal(1, await brokers.ApprovePendingAsync("CN=router-upstream-approval"));
        IUpstreamRequestStore relay = brokers.Front.Services.GetRequiredService<IUpstreamRequestStore>();
        await brokers.RunUpstreamJobUntilAsync(async () =>
            (await relay.FindUpstreamRequestAsync(UpstreamBrokers.OneTimeProfile, request.TransactionId, CancellationToken.None))?.State == UpstreamRequestState.Issued);

        HttpResponseMessage polled = await front.PostAsync(
            $"/scep/{UpstreamBrokers.OneTimeProfile}?{PkiOperation}", new ByteArrayContent(UpstreamBrokers.CertPoll(ca, request, "CN=router-upstream-approval")));
        CertRepContent reply = request.Open(await polled.Content.ReadAsByteArrayAsync());
        Assert.Equal(PkiStatus.Success, reply.Message.Status);
        Assert.True(ChainsTo(reply.Certificates[0], ca.Ca), "The certificate does not chain to the upstream CA.");
    }

    [Fact]
    public async Task MscepAdmin_NdesProfile_PasswordWorksOnceAtTheFront()
    {
        HttpClient front = brokers.Front.CreateClient();
        CaCertificates ca = await brokers.ReadyAsync(front, UpstreamBrokers.OneTimeProfile);
        HttpResponseMessage page = await AdminHttp.SendAsync(front, HttpMethod.Get, $"/certsrv/mscep_admin?profile={UpstreamBrokers.OneTimeProfile}", AdminHttp.Admin);
        string password = Issuers.Ndes.NdesAdminPageParser.ReadPassword(await page.Content.ReadAsByteArrayAsync())!;
        using var first = new Device(45);
        using var second = new Device(46);
        SentRequest used = UpstreamBrokers.PkcsReq(ca, first, "CN=otp-first", password);
        SentRequest reused = UpstreamBrokers.PkcsReq(ca, second, "CN=otp-second", password);

        HttpResponseMessage one = await front.PostAsync($"/scep/{UpstreamBrokers.OneTimeProfile}?{PkiOperation}", new ByteArrayContent(used.Encoded));
        HttpResponseMessage two = await front.PostAsync($"/scep/{UpstreamBrokers.OneTimeProfile}?{PkiOperation}", new ByteArrayContent(reused.Encoded));

        Assert.Equal(PkiStatus.Pending, used.Open(await one.Content.ReadAsByteArrayAsync()).Message.Status);
        Assert.Equal(PkiStatus.Failure, reused.Open(await two.Content.ReadAsByteArrayAsync()).Message.Status);
        Assert.Null(await brokers.Front.Services.GetRequiredService<IUpstreamRequestStore>()
            .FindUpstreamRequestAsync(UpstreamBrokers.OneTimeProfile, reused.TransactionId, CancellationToken.None));
    }

    [Fact]
    public async Task PkiOperation_FrontManualApproval_QueuedLocallyThenIssuedUpstreamOnApproval()
    {
        HttpClient front = brokers.Front.CreateClient();
        CaCertificates ca = await brokers.ReadyAsync(front, UpstreamBrokers.ManualProfile);
        using var device = new Device(47);
        SentRequest request = UpstreamBrokers.PkcsReq(ca, device, "CN=approved-at-front", BrokerFactory.Challenge);

        HttpResponseMessage queued = await front.PostAsync($"/scep/{UpstreamBrokers.ManualProfile}?{PkiOperation}", new ByteArrayContent(request.Encoded));
        Assert.Equal(PkiStatus.Pending, request.Open(await queued.Content.ReadAsByteArrayAsync()).Message.Status);
        Assert.Equal(0, await UpstreamCertificatesForAsync("CN=approved-at-front"));

        HttpResponseMessage list = await AdminHttp.SendAsync(front, HttpMethod.Get, "/api/v1/requests?status=pending&q=approved-at-front", AdminHttp.Admin);
        using var pending = System.Text.Json.JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        long id = Assert.Single(pending.RootElement.EnumerateArray()).GetProperty("id").GetInt64();
        HttpResponseMessage approved = await AdminHttp.SendAsync(front, HttpMethod.Post, $"/api/v1/requests/{id}/approve", AdminHttp.Admin);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);

        HttpResponseMessage polled = await front.PostAsync(
            $"/scep/{UpstreamBrokers.ManualProfile}?{PkiOperation}", new ByteArrayContent(UpstreamBrokers.CertPoll(ca, request, "CN=approved-at-front")));
        CertRepContent reply = request.Open(await polled.Content.ReadAsByteArrayAsync());
        Assert.Equal(PkiStatus.Success, reply.Message.Status);
        Assert.True(ChainsTo(reply.Certificates[0], ca.Ca), "The certificate does not chain to the upstream CA.");
        Assert.Equal(1, await UpstreamCertificatesForAsync("CN=approved-at-front"));
    }

    [Fact]
    public async Task GetCaCert_UpstreamUnreachableAtStart_AnswersServiceUnavailableWhileOtherProfilesServe()
    {
        HttpClient front = brokers.Front.CreateClient();

        HttpResponseMessage down = await front.GetAsync($"/scep/{UpstreamBrokers.UnreachableProfile}?operation=GetCACert");
        HttpResponseMessage embedded = await front.GetAsync("/scep?operation=GetCACert");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.NotNull(down.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, embedded.StatusCode);
    }

    [Fact]
    public async Task RequestsList_RequestPendingUpstream_ShowsItsUpstreamState()
    {
        HttpClient front = brokers.Front.CreateClient();
        CaCertificates ca = await brokers.ReadyAsync(front, UpstreamBrokers.OneTimeProfile);
        HttpResponseMessage page = await AdminHttp.SendAsync(front, HttpMethod.Get, $"/certsrv/mscep_admin?profile={UpstreamBrokers.OneTimeProfile}", AdminHttp.Admin);
        string password = Issuers.Ndes.NdesAdminPageParser.ReadPassword(await page.Content.ReadAsByteArrayAsync())!;
        using var device = new Device(48);
        SentRequest request = UpstreamBrokers.PkcsReq(ca, device, "CN=cli-upstream-state", password);
        await front.PostAsync($"/scep/{UpstreamBrokers.OneTimeProfile}?{PkiOperation}", new ByteArrayContent(request.Encoded));

        Environment.SetEnvironmentVariable("CERTBROKER_PASSWORD", BrokerFactory.AdminPassword);
        using HttpMessageHandler handler = brokers.Front.Server.CreateHandler();
        using var output = new StringWriter();
        var root = new System.CommandLine.RootCommand { Cli.RequestsCommand.Create(handler, output) };
        int status = await root.Parse(["requests", "list", "--search", "cli-upstream-state", "--server", "http://localhost", "--user", "admin"])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false });

        Assert.Equal(0, status);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("UPSTREAM", lines[0].TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith("submitted", lines[1].TrimEnd(), StringComparison.Ordinal);
    }

    private async Task<int> UpstreamCertificatesForAsync(string subject)
    {
        using HttpClient upstream = brokers.UpstreamClient();
        HttpResponseMessage response = await AdminHttp.SendAsync(upstream, HttpMethod.Get, $"/api/v1/certificates?q={Uri.EscapeDataString(subject)}", AdminHttp.Admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = System.Text.Json.JsonDocument.Parse(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
        return document.RootElement.GetArrayLength();
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}

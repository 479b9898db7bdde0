using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Scep;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests;

/// <summary>The approval queue over the admin API: list, show, approve, reject, and the problems they answer.</summary>
public sealed class RequestEndpointTests(ApprovalBrokerFactory factory) : IClassFixture<ApprovalBrokerFactory>
{
    [Fact]
    public async Task List_AfterPkcsReq_ShowsThePendingRequestWithWhatTheAdminNeeds()
    {
        HttpClient admin = factory.CreateAdminClient();
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("list-device.example.net");
        (SentRequest request, byte[] reply) = await EnrolAsync("CN=list-device", 10, san.Build());

        Assert.Equal(PkiStatus.Pending, request.Open(reply).Message.Status);
        JsonElement item = await FindAsync(admin, "list-device");
        Assert.Equal(request.TransactionId, item.GetProperty("transactionId").GetString());
        Assert.Equal("pending", item.GetProperty("status").GetString());
        Assert.Equal("default", item.GetProperty("profile").GetString());
        Assert.Equal("CN=list-device", item.GetProperty("subject").GetString());
        Assert.Equal("DNS:list-device.example.net", item.GetProperty("subjectAlternativeNames")[0].GetString());
        Assert.Equal("RSA", item.GetProperty("key").GetProperty("algorithm").GetString());
        Assert.Equal(2048, item.GetProperty("key").GetProperty("size").GetInt32());
        Assert.Equal("AES-256-CBC", item.GetProperty("algorithms").GetProperty("contentEncryption").GetString());
        Assert.Equal("SHA-256", item.GetProperty("algorithms").GetProperty("digest").GetString());
        Assert.Equal("Static", item.GetProperty("challengeMode").GetString());
        Assert.Equal(JsonValueKind.Array, item.GetProperty("findings").ValueKind);
        Assert.Equal(JsonValueKind.Null, item.GetProperty("deviceId").ValueKind);
        Assert.True(item.GetProperty("expiresAt").GetDateTimeOffset() > item.GetProperty("createdAt").GetDateTimeOffset().AddDays(6));
        Assert.DoesNotContain(BrokerFactory.Challenge, item.GetRawText(), StringComparison.Ordinal);

        JsonElement shown = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/requests/{item.GetProperty("id").GetInt64()}");
        Assert.Equal(request.TransactionId, shown.GetProperty("transactionId").GetString());
        Assert.Equal("CN=list-device", shown.GetProperty("names").GetProperty("issuedSubject").GetString());
        Assert.Equal("DNS:list-device.example.net", shown.GetProperty("names").GetProperty("issuedSubjectAlternativeNames")[0].GetString());
        Assert.Empty(shown.GetProperty("names").GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public async Task Show_RequestWithNamesTheProfileDrops_ShowsWhatWouldBeIssuedAndWhatIsLeftOut()
    {
        HttpClient admin = factory.CreateAdminClient();
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("names-device.example.net");
        san.AddDnsName("www.bank.example");
        await EnrolAsync("CN=names-device, O=Acme", 16, san.Build());

        JsonElement item = await FindAsync(admin, "names-device");
        JsonElement names = item.GetProperty("names");

        Assert.Equal("CN=names-device, O=Acme", item.GetProperty("subject").GetString());
        Assert.Equal(2, item.GetProperty("subjectAlternativeNames").GetArrayLength());
        Assert.Equal("CN=names-device", names.GetProperty("issuedSubject").GetString());
        Assert.Equal("DNS:names-device.example.net", Assert.Single(names.GetProperty("issuedSubjectAlternativeNames").EnumerateArray()).GetString());
        Assert.Equal(2, names.GetProperty("findings").GetArrayLength());
        Assert.Contains(names.GetProperty("findings").EnumerateArray(), f => f.GetString()!.StartsWith("NAME-TYPE dropped O=Acme", StringComparison.Ordinal));
        Assert.Contains(names.GetProperty("findings").EnumerateArray(), f => f.GetString()!.StartsWith("NAME-DNS dropped DNS:www.bank.example", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approve_PendingRequest_IssuesAndTheResentRequestGetsTheCertificate()
    {
        HttpClient admin = factory.CreateAdminClient();
        (SentRequest request, _) = await EnrolAsync("CN=approve-device", 11);
        long id = (await FindAsync(admin, "approve-device")).GetProperty("id").GetInt64();

        HttpResponseMessage approved = await admin.PostAsync($"/api/v1/requests/{id}/approve", null);
        HttpResponseMessage again = await admin.PostAsync($"/api/v1/requests/{id}/approve", null);
        byte[] resent = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        JsonElement body = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("issued", body.GetProperty("status").GetString());
        Assert.Equal("admin", body.GetProperty("decidedBy").GetString());
        await AssertProblemAsync(again, HttpStatusCode.Conflict);
        CertRepContent reply = request.Open(resent);
        Assert.Equal(PkiStatus.Success, reply.Message.Status);
        Assert.Equal(body.GetProperty("certificateSerial").GetString(), CertBroker.Core.Model.CertificateRecords.SerialHex(reply.Certificates[0].SerialNumberBytes.Span));
    }

    [Fact]
    public async Task Reject_WithReason_FailsTheRequestAndKeepsTheReason()
    {
        HttpClient admin = factory.CreateAdminClient();
        (SentRequest request, _) = await EnrolAsync("CN=reject-device", 12);
        long id = (await FindAsync(admin, "reject-device")).GetProperty("id").GetInt64();

        HttpResponseMessage rejected = await admin.PostAsJsonAsync($"/api/v1/requests/{id}/reject", new { reason = "Unknown printer." });
        byte[] resent = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        JsonElement listed = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/requests?status=rejected&q=reject-device"))[0];
        Assert.Equal(("rejected", "Unknown printer."), (listed.GetProperty("status").GetString(), listed.GetProperty("decisionReason").GetString()));
        CertRepContent reply = request.Open(resent);
        Assert.Equal((PkiStatus.Failure, FailInfo.BadRequest), (reply.Message.Status, reply.Message.FailInfo));
    }

    [Theory]
    [InlineData("{}", "no-reason-device")]
    [InlineData("{\"reason\": \"   \"}", "blank-reason-device")]
    public async Task Reject_WithoutReason_IsValidationProblem(string body, string deviceName)
    {
        HttpClient admin = factory.CreateAdminClient();
        await EnrolAsync($"CN={deviceName}", 13);
        long id = (await FindAsync(admin, deviceName)).GetProperty("id").GetInt64();

        HttpResponseMessage response = await admin.PostAsync($"/api/v1/requests/{id}/reject", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        JsonElement problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal("pending", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/requests/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Decisions_UnknownRequest_AreNotFoundProblems()
    {
        HttpClient admin = factory.CreateAdminClient();

        await AssertProblemAsync(await admin.PostAsync("/api/v1/requests/987654/approve", null), HttpStatusCode.NotFound);
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/v1/requests/987654/reject", new { reason = "x" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await admin.GetAsync("/api/v1/requests/987654"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_UnknownStatus_IsValidationProblem()
    {
        HttpClient admin = factory.CreateAdminClient();

        JsonElement problem = await AssertProblemAsync(await admin.GetAsync("/api/v1/requests?status=lost"), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));
    }

    [Fact]
    public async Task Approve_IsAuditedWithTheAdminAndTheRequest()
    {
        HttpClient admin = factory.CreateAdminClient();
        (SentRequest request, _) = await EnrolAsync("CN=audited-device", 14);
        long id = (await FindAsync(admin, "audited-device")).GetProperty("id").GetInt64();

        await admin.PostAsync($"/api/v1/requests/{id}/approve", null);

        StoredAuditEvent approved = Assert.Single(
            await AdminHttp.AuditAsync(factory.Broker.Services, AuditActions.RequestApproved), e => e.Event.Target == id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(("admin", "default"), (approved.Event.Actor, approved.Event.Profile));
        Assert.Contains(request.TransactionId, approved.Event.Details, StringComparison.Ordinal);
        Assert.Contains(await AdminHttp.AuditAsync(factory.Broker.Services, AuditActions.EnrolmentPending), e => e.Event.Target == request.TransactionId);
    }

    [Fact]
    public async Task Decisions_AuditorToken_MayListButNotDecide()
    {
        HttpClient client = factory.Broker.CreateClient();
        string auditor = await AdminHttp.CreateTokenAsync(factory.Broker.Services, Role.Auditor);
        await EnrolAsync("CN=auditor-device", 15);

        HttpResponseMessage list = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/requests?q=auditor-device", AdminHttp.Bearer(auditor));
        long id = (await list.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("id").GetInt64();
        HttpResponseMessage approve = await AdminHttp.SendAsync(client, HttpMethod.Post, $"/api/v1/requests/{id}/approve", AdminHttp.Bearer(auditor));

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        await AssertProblemAsync(approve, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Requests_WithoutCredentials_AreRefused()
    {
        HttpClient anonymous = factory.Broker.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/requests")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/v1/requests/1/approve", null)).StatusCode);
    }

    private async Task<(SentRequest Request, byte[] Reply)> EnrolAsync(string subject, int keySlot, X509Extension? subjectAlternativeName = null)
    {
        HttpClient client = factory.Broker.CreateClient();
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client);
        var device = new Device(keySlot);
        SentRequest request = ScepHttp.PkcsReq(ca, device, subject, BrokerFactory.Challenge, subjectAlternativeName);
        return (request, await SendAsync(request));
    }

    private async Task<byte[]> SendAsync(SentRequest request)
    {
        HttpResponseMessage response = await factory.Broker.CreateClient().PostAsync("/scep?operation=PKIOperation", new ByteArrayContent(request.Encoded));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<JsonElement> FindAsync(HttpClient admin, string text)
    {
        JsonElement list = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/requests?status=pending&q={text}");
        return Assert.Single(list.EnumerateArray());
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}

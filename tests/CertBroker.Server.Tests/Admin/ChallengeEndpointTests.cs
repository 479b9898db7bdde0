using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Scep;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Admin;

/// <summary><c>POST /api/v1/challenges</c> and the NDES-style <c>/certsrv/mscep_admin/</c> page, used by a real SCEP request.</summary>
public sealed class ChallengeEndpointTests(InventoryBroker broker) : IClassFixture<InventoryBroker>
{
    // The expression Fleet and other NDES scrapers use on the page.
    private static readonly Regex NdesPassword = new(@"(?i)The enrollment challenge password is: <B> (?<password>\S*)", RegexOptions.None, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task Post_OneTimeProfile_PasswordEnrolsOnceThenIsRefused()
    {
        using HttpClient client = broker.Factory.CreateClient();
        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/challenges", AdminHttp.Admin, new { profile = "mfd", lifetimeMinutes = 30 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>();
        string password = body.GetProperty("password").GetString()!;
        Assert.Matches("^[0-9A-F]{16}$", password);
        DateTimeOffset expiresAt = body.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30));

        Assert.Equal(PkiStatus.Success, await EnrolAsync(client, "mfd", password, "CN=mfd-one", keySlot: 0));
        Assert.Equal(PkiStatus.Failure, await EnrolAsync(client, "mfd", password, "CN=mfd-two", keySlot: 1));
        Assert.Contains(
            await AdminHttp.AuditAsync(broker.Services, AuditActions.ChallengeIssued),
            e => e.Event is { Profile: "mfd", Actor: "admin", Outcome: AuditOutcome.Success } && e.Event.Details == $"expires {expiresAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
        Assert.NotEmpty(await AdminHttp.AuditAsync(broker.Services, AuditActions.ChallengeUsed));
        Assert.NotEmpty(await AdminHttp.AuditAsync(broker.Services, AuditActions.ChallengeFailed));
    }

    [Fact]
    public async Task Post_BoundToCommonName_OnlyThatDeviceEnrols()
    {
        using HttpClient client = broker.Factory.CreateClient();
        string password = await IssueAsync(client, new { profile = "mfd", binding = new { commonName = "mfd-bound" } });

        Assert.Equal(PkiStatus.Failure, await EnrolAsync(client, "mfd", password, "CN=mfd-other", keySlot: 2));
        Assert.Equal(PkiStatus.Success, await EnrolAsync(client, "mfd", password, "CN=mfd-bound", keySlot: 3));
    }

    [Theory]
    [InlineData("{\"profile\":\"default\"}", "profile")]
    [InlineData("{\"profile\":\"no-such-profile\"}", "profile")]
    [InlineData("{\"profile\":\"mfd\",\"lifetimeMinutes\":0}", "lifetimeMinutes")]
    [InlineData("{\"profile\":\"mfd\",\"binding\":{\"macAddress\":\"00:11:22\"}}", "binding.macAddress")]
    [InlineData("{\"profile\":\"mfd\",\"binding\":{\"commonName\":\"a\",\"san\":\"b\"}}", "binding")]
    [InlineData("{\"profile\":\"mfd\",\"binding\":{\"imei\":\"1\"}}", "binding")]
    public async Task Post_BadRequest_ValidationProblemNamesTheField(string json, string field)
    {
        using HttpClient client = broker.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/challenges") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = AdminHttp.Admin;

        JsonElement problem = await AdminHttp.AssertProblemAsync(await client.SendAsync(request), 400);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Post_CapReached_Returns409Problem()
    {
        using HttpClient client = broker.Factory.CreateClient();
        await IssueAsync(client, new { profile = "capped" });

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/challenges", AdminHttp.Admin, new { profile = "capped" });

        JsonElement problem = await AdminHttp.AssertProblemAsync(response, 409);
        Assert.Contains("MaxOutstandingChallenges", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_AnonymousOrRoleWithoutPermission_Refused()
    {
        using HttpClient client = broker.Factory.CreateClient();
        string auditor = await AdminHttp.CreateTokenAsync(broker.Services, Role.Auditor);

        await AdminHttp.AssertProblemAsync(await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/challenges", null, new { profile = "mfd" }), 401);
        await AdminHttp.AssertProblemAsync(await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/challenges", AdminHttp.Bearer(auditor), new { profile = "mfd" }), 403);
    }

    [Theory]
    [InlineData("/certsrv/mscep_admin/")]
    [InlineData("/certsrv/mscep_admin")]
    [InlineData("/certsrv/mscep_admin/default.aspx")]
    public async Task MscepAdmin_Admin_ServesUtf16PageWhosePasswordScrapersFindAndDevicesUse(string path)
    {
        using HttpClient client = broker.Factory.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, path + "?profile=mfd", AdminHttp.Admin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.NotEqual(0xFF, bytes[0]); // no byte-order mark, as NDES
        string page = Encoding.Unicode.GetString(bytes);
        Assert.Contains("Network Device Enrollment Service", page, StringComparison.Ordinal);
        Assert.Contains("will expire within 60 minutes", page, StringComparison.Ordinal);
        Match match = NdesPassword.Match(page);
        Assert.True(match.Success, page);
        string password = match.Groups["password"].Value;
        Assert.Matches("^[0-9A-F]{16}$", password);
        Assert.Equal(PkiStatus.Success, await EnrolAsync(client, "mfd", password, "CN=scraped-" + path.Length, keySlot: 4 + (path.Length % 3)));
    }

    [Fact]
    public async Task MscepAdmin_Anonymous_Returns401()
    {
        using HttpClient client = broker.Factory.CreateClient();

        HttpResponseMessage response = await client.GetAsync("/certsrv/mscep_admin/?profile=mfd");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    [Fact]
    public async Task MscepAdmin_CapReached_SaysThePasswordCacheIsFull()
    {
        using HttpClient client = broker.Factory.CreateClient();
        await AdminHttp.SendAsync(client, HttpMethod.Get, "/certsrv/mscep_admin/?profile=capped-page", AdminHttp.Admin);

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, "/certsrv/mscep_admin/?profile=capped-page", AdminHttp.Admin);

        string page = Encoding.Unicode.GetString(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("The password cache is full.", page, StringComparison.Ordinal);
        Assert.DoesNotMatch(NdesPassword, page);
    }

    private static async Task<string> IssueAsync(HttpClient client, object body)
    {
        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/challenges", AdminHttp.Admin, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("password").GetString()!;
    }

    private static async Task<PkiStatus?> EnrolAsync(HttpClient client, string profile, string password, string subject, int keySlot)
    {
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client, $"/scep/{profile}");
        using var device = new Device(keySlot);
        SentRequest request = ScepHttp.PkcsReq(ca, device, subject, password);
        HttpResponseMessage response = await client.PostAsync($"/scep/{profile}?operation=PKIOperation", new ByteArrayContent(request.Encoded));
        response.EnsureSuccessStatusCode();
        return PkiMessage.Read(await response.Content.ReadAsByteArrayAsync()).Status;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CertBroker.Server.Admin;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests.Monitoring;

/// <summary>The expiry report: JSON and CSV shapes, states on a fake clock, filters, and its access rules.</summary>
public sealed class ExpiryReportTests(ReportBroker broker) : IClassFixture<ReportBroker>
{
    private const string Path = "/api/v1/reports/expiry";

    [Fact]
    public async Task Json_EveryCertificate_InInventoryOrderWithItsState()
    {
        JsonElement report = await JsonAsync(Path);

        Assert.Equal("2026-06-01T12:00:00Z", report.GetProperty("generatedAt").GetString());
        Assert.Equal(["0a01", "0a02", "0a03", "0a04", "0a05", "0a06"], Rows(report).Select(r => r.GetProperty("serial").GetString()!));
        Assert.Equal(
            ["valid", "renewal_due", "expiring", "expired", "revoked", "superseded"],
            Rows(report).Select(r => r.GetProperty("state").GetString()!));
    }

    [Fact]
    public async Task Json_Within_InNotAfterOrder()
    {
        JsonElement report = await JsonAsync(Path + "?within=365d");

        Assert.Equal(["0a03", "0a05", "0a06", "0a02", "0a01"], Rows(report).Select(r => r.GetProperty("serial").GetString()!));
    }

    [Fact]
    public async Task Json_Row_CarriesDeviceDatesKeyAndFindings()
    {
        JsonElement report = await JsonAsync(Path);
        JsonElement valid = Rows(report).Single(r => r.GetProperty("serial").GetString() == "0a01");
        JsonElement weak = Rows(report).Single(r => r.GetProperty("serial").GetString() == "0a03");
        JsonElement due = Rows(report).Single(r => r.GetProperty("serial").GetString() == "0a02");

        Assert.Equal("printer-7", valid.GetProperty("device").GetString());
        Assert.Equal(broker.LabDeviceId, valid.GetProperty("deviceId").GetInt64());
        Assert.Equal(["DNS:valid.example", "IP Address:192.0.2.7"], valid.GetProperty("subjectAltNames").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("2026-12-18T12:00:00Z", valid.GetProperty("notAfter").GetString());
        Assert.Equal("2025-12-18T12:00:00Z", valid.GetProperty("notBefore").GetString());
        Assert.Equal(200, valid.GetProperty("daysRemaining").GetInt64());
        Assert.Equal("2026-09-09T12:00:00Z", valid.GetProperty("renewalDueAt").GetString());
        Assert.Equal(64, valid.GetProperty("thumbprintSha256").GetString()!.Length);
        Assert.Equal("CN=Seed CA", valid.GetProperty("issuer").GetString());
        Assert.Equal(JsonValueKind.Null, valid.GetProperty("curve").ValueKind);

        Assert.Equal("EC", weak.GetProperty("keyAlgorithm").GetString());
        Assert.Equal("P-256", weak.GetProperty("curve").GetString());
        Assert.Equal("sha256ECDSA", weak.GetProperty("signatureAlgorithm").GetString());
        Assert.Equal(["WC-EC-01", "WC-SIG-01"], weak.GetProperty("findings").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(5, weak.GetProperty("daysRemaining").GetInt64());
        Assert.Equal(JsonValueKind.Null, weak.GetProperty("deviceId").ValueKind);

        Assert.Equal("refused: the challenge password is wrong", due.GetProperty("lastRenewalResult").GetString());
        Assert.Equal("2026-05-31T12:00:00Z", due.GetProperty("lastRenewalAttemptAt").GetString());
    }

    [Fact]
    public async Task States_FollowTheClock_ValidBecomesDueThenExpiring()
    {
        // A broker of its own: a fake clock only goes forward, and the other tests read the fixture's at its start.
        var own = new ReportBroker();
        await own.InitializeAsync();
        try
        {
            Assert.Equal("valid", await StateOfAsync(own, "0a01"));

            own.Clock.Advance(TimeSpan.FromDays(101));
            Assert.Equal("renewal_due", await StateOfAsync(own, "0a01"));
            Assert.Equal("expired", await StateOfAsync(own, "0a02"));

            own.Clock.Advance(TimeSpan.FromDays(90));
            Assert.Equal("expiring", await StateOfAsync(own, "0a01"));
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("?within=30d", new[] { "0a03", "0a05", "0a06" })]
    [InlineData("?within=1w", new[] { "0a03" })]
    [InlineData("?within=6d", new[] { "0a03" })]
    [InlineData("?state=renewal-due", new[] { "0a02" })]
    [InlineData("?state=expired", new[] { "0a04" })]
    [InlineData("?profile=BRANCH", new[] { "0a02" })]
    [InlineData("?location=lab", new[] { "0a01" })]
    [InlineData("?owner=Facilities&within=300d", new[] { "0a01" })]
    [InlineData("?within=30d&state=superseded", new[] { "0a06" })]
    public async Task Filters_SelectTheMatchingCertificates(string query, string[] expected)
    {
        JsonElement report = await JsonAsync(Path + query);

        Assert.Equal(expected, Rows(report).Select(r => r.GetProperty("serial").GetString()!));
    }

    [Theory]
    [InlineData("?within=30", "within")]
    [InlineData("?within=-3d", "within")]
    [InlineData("?within=3y", "within")]
    [InlineData("?state=sleeping", "state")]
    [InlineData("?format=xml", "format")]
    public async Task BadParameter_ValidationProblemNamingIt(string query, string parameter)
    {
        using HttpClient client = Client(AdminHttp.Admin);
        JsonElement problem = await AdminHttp.AssertProblemAsync(await client.GetAsync(Path + query), 400);

        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Fact]
    public async Task Csv_Rfc4180WithHeader_FormulaCellsDefused()
    {
        using HttpClient client = Client(AdminHttp.Admin);
        HttpResponseMessage response = await client.GetAsync(Path + "?format=csv");
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"http://attacker\"\"),\"\"quoted\"\"\"", text, StringComparison.Ordinal);
        List<string[]> records = Csv.Read(text);
        Assert.Equal(ExpiryReportWriter.CsvHeader, records[0]);
        Assert.Equal(7, records.Count);
        Assert.All(records, r => Assert.Equal(ExpiryReportWriter.CsvHeader.Length, r.Length));
        string[] weak = records.Single(r => r[5] == "0a03");
        Assert.Equal("=HYPERLINK(\"http://attacker\"),\"quoted\"", weak[3]);
        Assert.Equal("WC-EC-01 WC-SIG-01", weak[18]);
        Assert.Equal("expiring", weak[19]);
        Assert.Equal("CN=old \\ \"quoted\"\nline", records.Single(r => r[5] == "0a06")[3]);
    }

    [Fact]
    public async Task AcceptTextCsv_WithoutFormat_AnswersCsv()
    {
        using HttpClient client = Client(AdminHttp.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Get, Path + "?within=30d");
        request.Headers.Accept.ParseAdd("text/csv");
        HttpResponseMessage response = await client.SendAsync(request);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(4, Csv.Read(await response.Content.ReadAsStringAsync()).Count);
    }

    [Fact]
    public async Task MonitoringTokenAndRole_ReadTheReport_AnonymousAndWrongTokenGet401()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client(AdminHttp.Bearer(ReportBroker.MonitoringTokenSecret)).GetAsync(Path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(AdminHttp.Bearer(broker.MonitoringRoleToken)).GetAsync(Path)).StatusCode);
        await AdminHttp.AssertProblemAsync(await Client(null).GetAsync(Path), 401);
        await AdminHttp.AssertProblemAsync(await Client(AdminHttp.Bearer(ReportBroker.MonitoringTokenSecret + "x")).GetAsync(Path), 401);
        // The monitoring token reads figures only.
        await AdminHttp.AssertProblemAsync(await Client(AdminHttp.Bearer(ReportBroker.MonitoringTokenSecret)).GetAsync("/api/v1/certificates"), 403);
    }

    private Task<string> StateOfAsync(string serial) => StateOfAsync(broker, serial);

    private static async Task<string> StateOfAsync(ReportBroker from, string serial) =>
        Rows(await JsonAsync(from, Path)).Single(r => r.GetProperty("serial").GetString() == serial).GetProperty("state").GetString()!;

    private Task<JsonElement> JsonAsync(string path) => JsonAsync(broker, path);

    private static async Task<JsonElement> JsonAsync(ReportBroker from, string path)
    {
        using HttpClient client = from.Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = AdminHttp.Bearer(ReportBroker.MonitoringTokenSecret);
        HttpResponseMessage response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static IEnumerable<JsonElement> Rows(JsonElement report) => report.GetProperty("certificates").EnumerateArray();

    private HttpClient Client(AuthenticationHeaderValue? authorization)
    {
        HttpClient client = broker.Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = authorization;
        return client;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CertBroker.Core.Accounts;
using CertBroker.Core.Audit;
using CertBroker.Core.Backends;
using CertBroker.Scep;
using CertBroker.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CertBroker.Server.Tests.Admin;

/// <summary><c>/api/v1/devices</c> and <c>/api/v1/certificates</c>: what an enrolment records, edits, CSV, revocation.</summary>
public sealed class InventoryEndpointTests(InventoryBroker broker) : IClassFixture<InventoryBroker>
{
    [Fact]
    public async Task Devices_AfterEnrolment_ListsDeviceWithValidCertificateAndHistory()
    {
        using HttpClient client = broker.Factory.CreateClient();
        string serial = await EnrolAsync(client, "CN=lobby-printer, OID.2.5.4.5=CNB-7781", keySlot: 10);

        JsonElement devices = await GetJsonAsync(client, "/api/v1/devices?q=cnb-7781&state=valid");

        JsonElement device = Assert.Single(devices.EnumerateArray());
        Assert.Equal("serialNumber", device.GetProperty("identity").GetProperty("kind").GetString());
        Assert.Equal("CNB-7781", device.GetProperty("identity").GetProperty("value").GetString());
        Assert.Equal("lobby-printer", device.GetProperty("name").GetString());
        Assert.Equal("valid", device.GetProperty("state").GetString());
        Assert.Equal(serial, device.GetProperty("certificateSerial").GetString());
        JsonElement history = await GetJsonAsync(client, $"/api/v1/devices/{device.GetProperty("id").GetInt64()}/certificates");
        JsonElement certificate = Assert.Single(history.EnumerateArray());
        Assert.Equal(serial, certificate.GetProperty("serial").GetString());
        // Planned for renewal at issue: 80% into the lifetime, within the default ±2% jitter.
        JsonElement renewal = device.GetProperty("renewal");
        Assert.Equal(("valid", JsonValueKind.Null), (renewal.GetProperty("state").GetString(), renewal.GetProperty("lastResult").ValueKind));
        DateTimeOffset notBefore = certificate.GetProperty("notBefore").GetDateTimeOffset();
        TimeSpan lifetime = certificate.GetProperty("notAfter").GetDateTimeOffset() - notBefore;
        Assert.InRange(renewal.GetProperty("dueAt").GetDateTimeOffset(), notBefore + (lifetime * 0.78), notBefore + (lifetime * 0.82));
        Assert.Equal("valid", certificate.GetProperty("renewal").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Requests_QueuedRequestOfAKnownDevice_ShowsTheDeviceAndApprovalRecordsIt()
    {
        using HttpClient client = broker.Factory.CreateClient();
        long id = await CreateAsync(client, new { identity = new { kind = "commonName", value = "queued-printer" }, location = "Hall" });
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client, "/scep/queued");
        using var device = new Device(12);
        SentRequest request = ScepHttp.PkcsReq(ca, device, "CN=queued-printer", BrokerFactory.Challenge);
        HttpResponseMessage sent = await client.PostAsync("/scep/queued?operation=PKIOperation", new ByteArrayContent(request.Encoded));
        Assert.Equal(PkiStatus.Pending, PkiMessage.Read(await sent.Content.ReadAsByteArrayAsync()).Status);

        JsonElement queued = Assert.Single((await GetJsonAsync(client, "/api/v1/requests?status=pending")).EnumerateArray(),
            r => r.GetProperty("transactionId").GetString() == request.TransactionId);
        HttpResponseMessage approved = await AdminHttp.SendAsync(client, HttpMethod.Post, $"/api/v1/requests/{queued.GetProperty("id").GetInt64()}/approve", AdminHttp.Admin);

        Assert.Equal(id, queued.GetProperty("deviceId").GetInt64());
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        JsonElement history = await GetJsonAsync(client, $"/api/v1/devices/{id}/certificates");
        Assert.Single(history.EnumerateArray());
        Assert.Equal("queued", (await GetJsonAsync(client, $"/api/v1/devices/{id}")).GetProperty("lastProfile").GetString());
    }

    [Fact]
    public async Task Patch_BadMacAndIp_ValidationProblemAndNothingChanged()
    {
        using HttpClient client = broker.Factory.CreateClient();
        long id = await CreateAsync(client, new { name = "patch-me", serialNumber = "PATCH-1" });

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Patch, $"/api/v1/devices/{id}", AdminHttp.Admin, new { macAddress = "00:11:22:33", ipAddress = "10.0.0.300" });

        JsonElement problem = await AdminHttp.AssertProblemAsync(response, 400);
        JsonElement errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("macAddress", out _));
        Assert.True(errors.TryGetProperty("ipAddress", out _));
        Assert.Equal(JsonValueKind.Null, (await GetJsonAsync(client, $"/api/v1/devices/{id}")).GetProperty("macAddress").ValueKind);
    }

    [Fact]
    public async Task Patch_Metadata_ChangesOnlyGivenFieldsAndAuditsTheirNames()
    {
        using HttpClient client = broker.Factory.CreateClient();
        long id = await CreateAsync(client, new { name = "patch-ok", serialNumber = "PATCH-2", location = "Floor 1" });

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Patch, $"/api/v1/devices/{id}", AdminHttp.Admin, new { macAddress = "00-1A-2B-3C-4D-5F", owner = "Facilities" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement device = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("00:1a:2b:3c:4d:5f", device.GetProperty("macAddress").GetString());
        Assert.Equal("Floor 1", device.GetProperty("location").GetString());
        Assert.Equal("PATCH-2", device.GetProperty("identity").GetProperty("value").GetString());
        StoredAuditEvent changed = Assert.Single(await AdminHttp.AuditAsync(broker.Services, AuditActions.DeviceChanged), e => e.Event.Target == $"device:{id}");
        Assert.Equal("fields: macAddress, owner", changed.Event.Details);
    }

    [Fact]
    public async Task Export_FormulaLikeName_IsDefusedAndQuoted()
    {
        using HttpClient client = broker.Factory.CreateClient();
        await CreateAsync(client, new { name = "=HYPERLINK(\"http://x\",\"y\")", serialNumber = "CSV-EXPORT-1" });

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, "/api/v1/devices/export?q=CSV-EXPORT-1", AdminHttp.Admin);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        string[] lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("name,manufacturer,model,serial_number,mac_address,ip_address,location,owner,asset_tag", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",,,CSV-EXPORT-1,", Assert.Single(lines[1..]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_BadRows_RefusesTheFileListingEachLine()
    {
        using HttpClient client = broker.Factory.CreateClient();
        const string csv = "Serial,MAC,IP,Location\r\nIMP-OK-1,00:1a:2b:00:00:01,10.1.1.1,A\r\nIMP-BAD-2,zz:zz,10.1.1.2,B\r\nIMP-BAD-3,,10.1.1.999,C\r\n";

        HttpResponseMessage response = await PostCsvAsync(client, csv);

        JsonElement problem = await AdminHttp.AssertProblemAsync(response, 400);
        Assert.Equal([3, 4], problem.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("line").GetInt32()));
        Assert.Empty((await GetJsonAsync(client, "/api/v1/devices?q=IMP-OK-1")).EnumerateArray());
    }

    [Fact]
    public async Task Import_QuotedFieldsAndKnownIdentity_CreatesAndMerges()
    {
        using HttpClient client = broker.Factory.CreateClient();
        long existing = await CreateAsync(client, new { name = "import-known", serialNumber = "IMP-KNOWN", owner = "IT" });
        const string csv = "serial_number,model,location,notes\r\nIMP-KNOWN,\"imageRUNNER, C5550\",,\r\nIMP-NEW,MX-3071,\"Floor 3\r\nEast\",\"said \"\"hi\"\"\"\r\n";

        HttpResponseMessage response = await PostCsvAsync(client, csv);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, 1), (result.GetProperty("created").GetInt32(), result.GetProperty("updated").GetInt32()));
        JsonElement known = await GetJsonAsync(client, $"/api/v1/devices/{existing}");
        Assert.Equal(("imageRUNNER, C5550", "IT"), (known.GetProperty("model").GetString(), known.GetProperty("owner").GetString()));
        JsonElement created = Assert.Single((await GetJsonAsync(client, "/api/v1/devices?q=IMP-NEW")).EnumerateArray());
        Assert.Equal("Floor 3\r\nEast", created.GetProperty("location").GetString());
        Assert.Equal("said \"hi\"", created.GetProperty("notes").GetString());
        Assert.Contains(await AdminHttp.AuditAsync(broker.Services, AuditActions.DevicesImported), e => e.Event.Details == "1 created, 1 updated.");
    }

    [Fact]
    public async Task Revoke_WithReason_MarksRevokedAuditsAndPublishesCrlListingIt()
    {
        using HttpClient client = broker.Factory.CreateClient();
        string serial = await EnrolAsync(client, "CN=to-revoke", keySlot: 11);
        byte[] before = await broker.Services.GetRequiredService<ICrlPublisher>().GetCurrentCrlAsync(CancellationToken.None);

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Post, $"/api/v1/certificates/{serial.ToUpperInvariant()}/revoke", AdminHttp.Admin, new { reason = "keyCompromise" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement certificate = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("revoked", "keyCompromise"), (certificate.GetProperty("state").GetString(), certificate.GetProperty("revocationReason").GetString()));
        byte[] crl = await broker.Services.GetRequiredService<ICrlPublisher>().GetCurrentCrlAsync(CancellationToken.None);
        Assert.False(Listed(before, serial));
        Assert.True(Listed(crl, serial));
        Assert.Contains((await GetJsonAsync(client, "/api/v1/certificates?state=revoked")).EnumerateArray(), c => c.GetProperty("serial").GetString() == serial);
        StoredAuditEvent revoked = Assert.Single(await AdminHttp.AuditAsync(broker.Services, AuditActions.CertificateRevoked), e => e.Event.Target == serial);
        Assert.Equal("admin", revoked.Event.Actor);
        await AdminHttp.AssertProblemAsync(
            await AdminHttp.SendAsync(client, HttpMethod.Post, $"/api/v1/certificates/{serial}/revoke", AdminHttp.Admin, new { reason = "superseded" }), 409);
    }

    [Fact]
    public async Task Revoke_UnknownReason_ValidationProblem()
    {
        using HttpClient client = broker.Factory.CreateClient();

        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/certificates/01/revoke", AdminHttp.Admin, new { reason = "lostIt" });

        Assert.True((await AdminHttp.AssertProblemAsync(response, 400)).GetProperty("errors").TryGetProperty("reason", out _));
    }

    [Theory]
    [InlineData("/api/v1/devices?state=sideways", "state")]
    [InlineData("/api/v1/devices?limit=0", "limit")]
    [InlineData("/api/v1/certificates?expiresWithinDays=-1", "expiresWithinDays")]
    public async Task List_BadQuery_ValidationProblem(string path, string field)
    {
        using HttpClient client = broker.Factory.CreateClient();

        JsonElement problem = await AdminHttp.AssertProblemAsync(await AdminHttp.SendAsync(client, HttpMethod.Get, path, AdminHttp.Admin), 400);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData(Role.Monitoring, "GET", "/api/v1/devices", 403)]
    [InlineData(Role.Auditor, "GET", "/api/v1/devices", 200)]
    [InlineData(Role.Auditor, "POST", "/api/v1/devices", 403)]
    [InlineData(Role.Auditor, "POST", "/api/v1/certificates/01/revoke", 403)]
    [InlineData(Role.SecurityAdministrator, "GET", "/api/v1/certificates", 200)]
    public async Task Permissions_RoleDecides(Role role, string method, string path, int status)
    {
        using HttpClient client = broker.Factory.CreateClient();
        string token = await AdminHttp.CreateTokenAsync(broker.Services, role);

        HttpResponseMessage response = await AdminHttp.SendAsync(client, new HttpMethod(method), path, AdminHttp.Bearer(token), method == "POST" ? new { name = "x" } : null);

        Assert.Equal(status, (int)response.StatusCode);
        await AdminHttp.AssertProblemAsync(await AdminHttp.SendAsync(client, new HttpMethod(method), path, null), 401);
    }

    private static bool Listed(byte[] crl, string serial) =>
        new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(crl).GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(serial, 16)) is not null;

    private static async Task<string> EnrolAsync(HttpClient client, string subject, int keySlot)
    {
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client);
        using var device = new Device(keySlot);
        SentRequest request = ScepHttp.PkcsReq(ca, device, subject, BrokerFactory.Challenge);
        HttpResponseMessage response = await client.PostAsync("/scep?operation=PKIOperation", new ByteArrayContent(request.Encoded));
        CertRepContent reply = request.Open(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(PkiStatus.Success, reply.Message.Status);
        // The store's form: lower-case hex without leading zero bytes.
        string serial = reply.Certificates[0].SerialNumber.ToLowerInvariant();
        while (serial.Length > 2 && serial.StartsWith("00", StringComparison.Ordinal))
        {
            serial = serial[2..];
        }

        return serial;
    }

    private static async Task<long> CreateAsync(HttpClient client, object body)
    {
        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Post, "/api/v1/devices", AdminHttp.Admin, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, path, AdminHttp.Admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<HttpResponseMessage> PostCsvAsync(HttpClient client, string csv)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/devices/import") { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        request.Headers.Authorization = AdminHttp.Admin;
        return await client.SendAsync(request);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using CertBroker.Core.Audit;
using CertBroker.Scep;
using CertBroker.Scep.Cms;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests;

/// <summary>
/// One broker with a profile <c>strict</c> that enforces the weak-crypto policy (3DES configured to fail), beside
/// the default profile, which flags.
/// </summary>
public sealed class WeakCryptoBroker : IAsyncLifetime
{
    public BrokerFactory Factory { get; } = new();

    public Task InitializeAsync()
    {
        Factory.Settings["CertBroker:Profiles:strict:WeakCrypto"] = "Enforce";
        Factory.Settings["CertBroker:Profiles:strict:ChallengePassword"] = BrokerFactory.Challenge;
        Factory.Settings["CertBroker:WeakCrypto:Verdicts:WC-CMS-02"] = "Fail";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>The weak-crypto policy through the real endpoints: SCEP refusals, GetCACaps, findings and imports in the admin API.</summary>
public sealed class WeakCryptoTests(WeakCryptoBroker broker) : IClassFixture<WeakCryptoBroker>
{
    [Fact]
    public async Task GetCaCaps_EnforcingProfileWithFailingTripleDes_DoesNotAdvertiseDes3()
    {
        using HttpClient client = broker.Factory.CreateClient();

        string[] strict = (await client.GetStringAsync("/scep/strict?operation=GetCACaps")).Split('\n');
        string[] flagging = (await client.GetStringAsync("/scep?operation=GetCACaps")).Split('\n');

        Assert.DoesNotContain("DES3", strict);
        Assert.Contains("AES", strict);
        Assert.Contains("SCEPStandard", strict);
        Assert.Contains("DES3", flagging);
    }

    [Fact]
    public async Task PkiOperation_Enforce1024BitKey_SignedFailureBadRequest()
    {
        using HttpClient client = broker.Factory.CreateClient();
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client, "/scep/strict");
        using var device = new Device(RSA.Create(1024));
        SentRequest request = ScepHttp.PkcsReq(ca, device, "CN=weak-printer", BrokerFactory.Challenge);

        HttpResponseMessage response = await client.PostAsync("/scep/strict?operation=PKIOperation", new ByteArrayContent(request.Encoded));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        CertRepContent reply = request.Open(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((PkiStatus.Failure, FailInfo.BadRequest), (reply.Message.Status, reply.Message.FailInfo));
        IReadOnlyList<StoredAuditEvent> rejected = await AdminHttp.AuditAsync(broker.Factory.Services, AuditActions.EnrolmentRejected);
        Assert.Contains(rejected, e => e.Event.Target == request.TransactionId && e.Event.Details!.Contains("WC-RSA-01", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PkiOperation_EnforceTripleDesEnvelope_SignedFailureBadAlg()
    {
        using HttpClient client = broker.Factory.CreateClient();
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client, "/scep/strict");
        using var device = new Device(20);
        SentRequest request = ScepHttp.PkcsReq(ca, device, "CN=3des-router", BrokerFactory.Challenge, cipher: ContentEncryptionAlgorithm.DesEde3Cbc);

        HttpResponseMessage response = await client.PostAsync("/scep/strict?operation=PKIOperation", new ByteArrayContent(request.Encoded));

        CertRepContent reply = request.Open(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((PkiStatus.Failure, FailInfo.BadAlg), (reply.Message.Status, reply.Message.FailInfo));
    }

    [Fact]
    public async Task PkiOperation_Flag1024BitKey_IssuesAndListsFindings()
    {
        using HttpClient client = broker.Factory.CreateClient();
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(client);
        using var device = new Device(RSA.Create(1024));
        SentRequest request = ScepHttp.PkcsReq(ca, device, "CN=flagged-printer", BrokerFactory.Challenge);

        HttpResponseMessage response = await client.PostAsync("/scep?operation=PKIOperation", new ByteArrayContent(request.Encoded));

        Assert.Equal(PkiStatus.Success, request.Open(await response.Content.ReadAsByteArrayAsync()).Message.Status);
        JsonElement certificate = Assert.Single((await GetJsonAsync(client, "/api/v1/certificates?q=flagged-printer")).EnumerateArray());
        JsonElement finding = Assert.Single(certificate.GetProperty("findings").EnumerateArray());
        Assert.Equal(("WC-RSA-01", "fail", "RSA key 1024 bits < 2048"),
            (finding.GetProperty("ruleId").GetString(), finding.GetProperty("severity").GetString(), finding.GetProperty("message").GetString()));
        JsonElement deviceRow = Assert.Single((await GetJsonAsync(client, "/api/v1/devices?q=flagged-printer")).EnumerateArray());
        Assert.Equal("WC-RSA-01", Assert.Single(deviceRow.GetProperty("findings").EnumerateArray()).GetProperty("ruleId").GetString());
    }

    [Fact]
    public async Task Import_PemTwiceThenPkcs7_IsIdempotentAndChecksRules()
    {
        using HttpClient client = broker.Factory.CreateClient();
        using RSA weakKey = RSA.Create(1024);
        using RSA goodKey = RSA.Create(3072);
        using X509Certificate2 weak = SelfSigned("CN=ndes-printer-1, OID.2.5.4.5=IMP-001", weakKey);
        using X509Certificate2 good = SelfSigned("CN=ndes-printer-2", goodKey);
        string pem = weak.ExportCertificatePem() + "\n" + good.ExportCertificatePem();

        JsonElement first = await ImportAsync(client, Encoding.ASCII.GetBytes(pem), HttpStatusCode.OK);
        JsonElement again = await ImportAsync(client, SignedDataWriter.WriteDegenerate([weak.RawData, good.RawData]), HttpStatusCode.OK);

        Assert.Equal((2, 0), (first.GetProperty("imported").GetInt32(), first.GetProperty("alreadyPresent").GetInt32()));
        Assert.Equal((0, 2), (again.GetProperty("imported").GetInt32(), again.GetProperty("alreadyPresent").GetInt32()));
        JsonElement stored = first.GetProperty("certificates")[0];
        Assert.Equal("imported", stored.GetProperty("source").GetString());
        Assert.Equal(weak.Issuer, stored.GetProperty("issuer").GetString());
        Assert.Contains(stored.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "WC-RSA-01");
        Assert.Equal(JsonValueKind.Number, stored.GetProperty("deviceId").ValueKind);
        JsonElement device = Assert.Single((await GetJsonAsync(client, "/api/v1/devices?q=IMP-001")).EnumerateArray());
        Assert.Equal("serialNumber", device.GetProperty("identity").GetProperty("kind").GetString());
        Assert.Single(await AdminHttp.AuditAsync(broker.Factory.Services, AuditActions.CertificateImported), e => e.Event.Details!.Contains("ndes-printer-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_Der_IsAccepted()
    {
        using HttpClient client = broker.Factory.CreateClient();
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using X509Certificate2 certificate = new CertificateRequest("CN=der-camera", key, HashAlgorithmName.SHA384)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(200));

        JsonElement result = await ImportAsync(client, certificate.RawData, HttpStatusCode.OK);

        JsonElement stored = Assert.Single(result.GetProperty("certificates").EnumerateArray());
        Assert.Equal(("EC", 384), (stored.GetProperty("keyAlgorithm").GetString(), stored.GetProperty("keySize").GetInt32()));
        Assert.Empty(stored.GetProperty("findings").EnumerateArray());
    }

    [Theory]
    [InlineData("not a certificate")]
    [InlineData("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")]
    public async Task Import_Garbage_ValidationProblem(string body)
    {
        using HttpClient client = broker.Factory.CreateClient();

        HttpResponseMessage response = await PostImportAsync(client, Encoding.ASCII.GetBytes(body), "");

        JsonElement problem = await AdminHttp.AssertProblemAsync(response, 400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("body", out _));
    }

    [Fact]
    public async Task Import_UnknownProfile_ValidationProblem()
    {
        using HttpClient client = broker.Factory.CreateClient();

        HttpResponseMessage response = await PostImportAsync(client, [], "?profile=nope");

        Assert.True((await AdminHttp.AssertProblemAsync(response, 400)).GetProperty("errors").TryGetProperty("profile", out _));
    }

    private static X509Certificate2 SelfSigned(string subject, RSA key) =>
        new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(300));

    private static async Task<JsonElement> ImportAsync(HttpClient client, byte[] body, HttpStatusCode expected)
    {
        HttpResponseMessage response = await PostImportAsync(client, body, "");
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<HttpResponseMessage> PostImportAsync(HttpClient client, byte[] body, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/certificates/import" + query) { Content = new ByteArrayContent(body) };
        request.Headers.Authorization = AdminHttp.Admin;
        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        HttpResponseMessage response = await AdminHttp.SendAsync(client, HttpMethod.Get, path, AdminHttp.Admin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

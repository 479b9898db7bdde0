using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using CertBroker.Interop.Tests.Harness;
using CertBroker.LoadGen;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Interop.Tests;

/// <summary>
/// CertBroker behind a "proxy" at 127.0.0.1 (so each test can speak for its own client address), two profiles with
/// their own static secrets, low caps for noise and refused requests, and a bootstrap Administrator.
/// </summary>
public sealed class AbuseFixture : ServerFixture, IServerKind
{
    public const string AdminPassword = "Interop-Abuse-Pw-1";
    public const string PrintersSecret = "printers-shared-secret";
    public const string RoutersSecret = "routers-secret-42";
    public const int MaxFailures = 10;

    public static IReadOnlyList<string> ScepPaths { get; } = ["/scep/printers"];

    protected override Task<ServerProcess> StartAsync() => ServerProcess.StartCertBrokerAsync(Challenge,
    [
        new("CertBroker:Profiles:printers:ChallengePassword", PrintersSecret),
        new("CertBroker:Profiles:routers:ChallengePassword", RoutersSecret),
        new("CertBroker:ForwardedHeaders:KnownProxies:0", "127.0.0.1"),
        new("CertBroker:ScepRateLimit:MaxFailures", MaxFailures.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("CertBroker:Audit:MaxRecords", "1000"),
        new("CertBroker:Audit:MaxNoiseRecords", "1000"),
        new("CertBroker:Admin:BootstrapPassword", AdminPassword),
        new("CertBroker:Admin:PasswordHashing:Iterations", "100000"),
    ]);
}

/// <summary>The attacks of issue 16 as they were tried, bounded in count and aimed at 127.0.0.1 only.</summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class AbuseInteropTests(AbuseFixture fixture) : IClassFixture<AbuseFixture>
{
    [Fact]
    public async Task BearerFlood_MoreBadTokensThanTheTrailKeeps_EvictsNoSecurityEvent()
    {
        using HttpClient anonymous = new() { BaseAddress = fixture.Server.BaseAddress };
        await Parallel.ForEachAsync(Enumerable.Range(0, 1500), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/audit");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "x");
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{(i % 200) + 1}");
            using HttpResponseMessage response = await anonymous.SendAsync(request, token);
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"bad token answered {response.StatusCode}");
        });

        using HttpClient admin = AdminClient();
        JsonElement bootstrap = await admin.GetFromJsonAsync<JsonElement>("api/v1/audit?action=account.bootstrap");

        Assert.Single(bootstrap.EnumerateArray());
    }

    [Fact]
    public async Task LargeCsrLoop_FromOneSource_LimitedAndTheDatabaseBarelyGrows()
    {
        CaMaterial ca = await CaAsync("/scep/printers");
        long before = DatabaseBytes();
        int limited = 0;
        for (int i = 0; i < 60; i++)
        {
            using DeviceIdentity device = DeviceIdentity.Create("CN=SCEP SIGNER", DateTimeOffset.UtcNow);
            byte[] message = PkcsReq(ca, device, $"CN=flood-{i}", "not-the-secret", extraBytes: 40_000);
            (HttpStatusCode status, _) = await SendAsync("/scep/printers", message, "198.51.100.250");
            limited += status == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        long grown = DatabaseBytes() - before;

        Assert.Equal(60 - AbuseFixture.MaxFailures, limited);
        // 60 requests of over 40 KB each: without the limit and the bounded summary this is over 2.4 MB.
        Assert.True(grown < 512 * 1024, $"the database grew by {grown} bytes");
    }

    [Fact]
    public async Task LockoutDance_ValidEnrolmentsWithThePrintersSecret_DoNotResetGuessesAtTheRouters()
    {
        CaMaterial printers = await CaAsync("/scep/printers");
        CaMaterial routers = await CaAsync("/scep/routers");
        const string Source = "203.0.113.77";
        for (int i = 0; i < 5; i++)
        {
            using DeviceIdentity guesser = DeviceIdentity.Create("CN=SCEP SIGNER", DateTimeOffset.UtcNow);
            (_, PkiStatus? guess) = await SendAsync("/scep/routers", PkcsReq(routers, guesser, $"CN=guess-{i}", $"guess-{i}"), Source);
            using DeviceIdentity printer = DeviceIdentity.Create("CN=SCEP SIGNER", DateTimeOffset.UtcNow);
            (_, PkiStatus? valid) = await SendAsync("/scep/printers", PkcsReq(printers, printer, $"CN=printer-{i}", AbuseFixture.PrintersSecret), Source);
            Assert.Equal(PkiStatus.Failure, guess);
            Assert.Equal(PkiStatus.Success, valid);
        }

        using DeviceIdentity lucky = DeviceIdentity.Create("CN=SCEP SIGNER", DateTimeOffset.UtcNow);
        (_, PkiStatus? right) = await SendAsync("/scep/routers", PkcsReq(routers, lucky, "CN=router-1", AbuseFixture.RoutersSecret), Source);
        using DeviceIdentity elsewhere = DeviceIdentity.Create("CN=SCEP SIGNER", DateTimeOffset.UtcNow);
        (_, PkiStatus? otherSource) = await SendAsync("/scep/routers", PkcsReq(routers, elsewhere, "CN=router-2", AbuseFixture.RoutersSecret), "203.0.113.78");

        // The right secret no longer helps this source; another source is not affected.
        Assert.Equal(PkiStatus.Failure, right);
        Assert.Equal(PkiStatus.Success, otherSource);
    }

    [Fact]
    public async Task AdminLockout_BadPasswordsFromAnotherAddress_LockOutThatAddressNotTheAdmin()
    {
        using HttpClient anonymous = new() { BaseAddress = fixture.Server.BaseAddress };
        var attacker = new List<HttpStatusCode>();
        for (int i = 0; i < 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:guess-{i}")));
            request.Headers.Add("X-Forwarded-For", "198.51.100.66");
            using HttpResponseMessage response = await anonymous.SendAsync(request);
            attacker.Add(response.StatusCode);
        }

        using var correctFromAttacker = new HttpRequestMessage(HttpMethod.Get, "api/v1/me");
        correctFromAttacker.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + AbuseFixture.AdminPassword)));
        correctFromAttacker.Headers.Add("X-Forwarded-For", "198.51.100.66");
        HttpStatusCode attackerWithTheRightPassword = (await anonymous.SendAsync(correctFromAttacker)).StatusCode;
        using HttpClient admin = AdminClient();
        HttpStatusCode adminFromOwnAddress = (await admin.GetAsync("api/v1/me")).StatusCode;

        Assert.All(attacker, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"a bad password answered {s}"));
        Assert.NotEqual(HttpStatusCode.OK, attackerWithTheRightPassword);
        Assert.Equal(HttpStatusCode.OK, adminFromOwnAddress);
    }

    private long DatabaseBytes() =>
        Directory.EnumerateFiles(fixture.Server.DataDirectory, "certbroker.db*").Sum(f => new FileInfo(f).Length);

    private async Task<CaMaterial> CaAsync(string path)
    {
        using HttpClient client = new() { BaseAddress = fixture.Server.BaseAddress };
        using HttpResponseMessage response = await client.GetAsync($"{path}?operation=GetCACert");
        return CaMaterial.Parse(await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<(HttpStatusCode Status, PkiStatus? PkiStatus)> SendAsync(string path, byte[] message, string forwardedFor)
    {
        using HttpClient client = new() { BaseAddress = fixture.Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{path}?operation=PKIOperation") { Content = new ByteArrayContent(message) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using HttpResponseMessage response = await client.SendAsync(request);
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK && CertRepPeek.TryRead(body, out PkiStatus status, out _) ? status : null);
    }

    private static byte[] PkcsReq(CaMaterial ca, DeviceIdentity device, string subject, string challenge, int extraBytes = 0)
    {
        var csr = new CertificateRequest(subject, device.Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var password = new AsnWriter(AsnEncodingRules.DER);
        password.WriteCharacterString(UniversalTagNumber.PrintableString, challenge);
        csr.OtherRequestAttributes.Add(new AsnEncodedData("1.2.840.113549.1.9.7", password.Encode()));
        if (extraBytes > 0)
        {
            var bulk = new AsnWriter(AsnEncodingRules.DER);
            bulk.WriteOctetString(new byte[extraBytes]);
            csr.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.311.21.7", bulk.Encode(), critical: false));
        }

        return PkiRequest.Write(
            MessageType.PkcsReq,
            Convert.ToHexString(RandomNumberGenerator.GetBytes(20)),
            RandomNumberGenerator.GetBytes(16),
            csr.CreateSigningRequest(),
            [ca.Encryption],
            ContentEncryptionAlgorithm.Aes256Cbc,
            new CmsSigner(device.Certificate, device.Key, HashAlgorithmName.SHA256),
            DateTimeOffset.UtcNow);
    }

    private HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + AbuseFixture.AdminPassword)));
        return client;
    }
}

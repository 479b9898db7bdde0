using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>
/// The broker in front of micromdm's scepserver with a static challenge: each real client enrols on the broker's NDES
/// path, the certificate comes from scepserver's CA, and the broker's inventory records it. strongSwan pki and
/// certmonger both fail against scepserver itself (<see cref="ScepServerReferenceTests"/>); through the broker they
/// talk to CertBroker, so they must succeed.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class ScepServerUpstreamTests(ScepServerUpstreamFixture fixture, ITestOutputHelper output) : IClassFixture<ScepServerUpstreamFixture>
{
    [Fact]
    public async Task ScepClient_StaticUpstreamChallenge_GetsUpstreamCertificateRecordedInFrontInventory()
    {
        const string commonName = "upstream-scepclient-1";
        string directory = fixture.NewWorkDirectory("scepclient-upstream");
        await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));

        ScepClientRun run = await ScepClientDriver.RunAsync(fixture.DeviceUrl, ServerFixture.Challenge, directory, commonName);
        output.WriteLine(run.Process.Describe());

        Assert.True(run.Process.Succeeded && run.CertificateWritten, fixture.Evidence(run.Process.Describe()));
        await fixture.AssertChainsToUpstreamAsync(run.CertificateFile, run.Process.Describe());
        Assert.Equal(await OpenSsl.ReadPublicKeyOfPrivateKeyAsync(run.KeyFile), (await OpenSsl.ReadCertificateAsync(run.CertificateFile)).PublicKeySha256);
        await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, run.CertificateFile);
        Assert.Equal(1, fixture.Upstream.IssuedTo(commonName));
    }

    [Fact]
    public async Task Certmonger_StaticUpstreamChallenge_ReachesMonitoringWithUpstreamCertificate()
    {
        const string commonName = "upstream-certmonger-1";
        await using var certmonger = await CertmongerDriver.StartAsync();
        await certmonger.AddScepCaAsync("front", fixture.DeviceUrl);

        CertmongerRun run = await certmonger.RequestAsync("front", "upstream", "CN=" + commonName, ServerFixture.Challenge, TimeSpan.FromSeconds(30));
        output.WriteLine(run.Describe());

        Assert.True(run.Issued, fixture.Evidence(run.Describe() + "\n" + await certmonger.ListCaAsync("front") + "\n" + certmonger.DaemonLog));
        await fixture.AssertChainsToUpstreamAsync(run.CertificateFile, run.Describe());
        Assert.Equal(await OpenSsl.ReadPublicKeyOfPrivateKeyAsync(run.KeyFile), (await OpenSsl.ReadCertificateAsync(run.CertificateFile)).PublicKeySha256);
        await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, run.CertificateFile);
        Assert.Equal(1, fixture.Upstream.IssuedTo(commonName));
    }

    [Theory]
    [InlineData(StrongSwanCipher.Aes)]
    [InlineData(StrongSwanCipher.Des3)]
    public async Task StrongSwanPki_StaticUpstreamChallenge_GetsUpstreamCertificate(StrongSwanCipher cipher)
    {
        string commonName = $"upstream-pki-{cipher.ToString().ToLowerInvariant()}";
        string directory = fixture.NewWorkDirectory("pki-upstream-" + cipher);
        StrongSwanCaFiles ca = await StrongSwanDriver.FetchCaAsync(fixture.DeviceUrl, directory);
        string keyFile = Path.Combine(directory, "key.pem");
        await StrongSwanDriver.GenerateKeyAsync(keyFile);

        StrongSwanRun run = await StrongSwanDriver.EnrolAsync(
            fixture.DeviceUrl, ca, keyFile, "CN=" + commonName, ServerFixture.Challenge, cipher, Path.Combine(directory, "cert.pem"));
        output.WriteLine(ca.Process.Describe());
        output.WriteLine(run.Process.Describe());

        Assert.True(run.CertificateWritten, fixture.Evidence(ca.Process.Describe() + "\n" + run.Process.Describe()));
        await fixture.AssertChainsToUpstreamAsync(run.CertificateFile, run.Process.Describe());
        Assert.Equal(await OpenSsl.ReadPublicKeyOfPrivateKeyAsync(keyFile), (await OpenSsl.ReadCertificateAsync(run.CertificateFile)).PublicKeySha256);
        await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, run.CertificateFile);
        Assert.Equal(1, fixture.Upstream.IssuedTo(commonName));
    }

    [Fact]
    public async Task ScepClient_WrongChallenge_RefusedByFrontWithoutReachingUpstream()
    {
        const string commonName = "upstream-intruder";
        string directory = fixture.NewWorkDirectory(commonName);
        await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));

        ScepClientRun run = await ScepClientDriver.RunAsync(fixture.DeviceUrl, ServerFixture.WrongChallenge, directory, commonName);
        output.WriteLine(run.Process.Describe());

        // A refusal is a FAILURE at once, decided by the broker: scepserver never sees the request.
        Assert.False(run.Process.TimedOut, fixture.Evidence(run.Process.Describe()));
        Assert.NotEqual(0, run.Process.ExitCode);
        Assert.False(run.CertificateWritten, "scepclient got a certificate with a wrong challenge");
        Assert.Equal(0, fixture.Upstream.IssuedTo(commonName));
    }

    [Fact]
    public async Task ScepClient_RenewalThroughFront_UpstreamIssuesNewCertificateForSameKey()
    {
        const string commonName = "upstream-renewer";
        string directory = fixture.NewWorkDirectory(commonName);
        await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));
        ScepClientRun enrol = await ScepClientDriver.RunAsync(fixture.DeviceUrl, ServerFixture.Challenge, directory, commonName);
        output.WriteLine(enrol.Process.Describe());
        Assert.True(enrol.Process.Succeeded && enrol.CertificateWritten, fixture.Evidence(enrol.Process.Describe()));
        CertificateFacts first = await OpenSsl.ReadCertificateAsync(enrol.CertificateFile);

        // cert.pem beside the key: a RenewalReq signed with the current certificate, still carrying the static challenge.
        ScepClientRun renew = await ScepClientDriver.RunAsync(fixture.DeviceUrl, ServerFixture.Challenge, directory, commonName);
        output.WriteLine(renew.Process.Describe());

        Assert.True(renew.Process.Succeeded, fixture.Evidence(renew.Process.Describe()));
        CertificateFacts second = await OpenSsl.ReadCertificateAsync(renew.CertificateFile);
        Assert.NotEqual(first.Serial, second.Serial);
        Assert.Equal(first.PublicKeySha256, second.PublicKeySha256);
        await fixture.AssertChainsToUpstreamAsync(renew.CertificateFile, renew.Process.Describe());
        Assert.Equal(2, fixture.Upstream.IssuedTo(commonName));
        using var admin = FrontBroker.NewAdminClient(fixture.Server);
        var inventory = await admin.ListCertificatesAsync(commonName);
        Assert.True(inventory.Count == 2, fixture.Evidence($"The front inventory lists {inventory.Count} certificates for the renewed device: {InventoryChecks.Json(inventory)}"));
        var old = inventory.Single(c => c.GetProperty("serial").GetString()!.TrimStart('0').Equals(first.Serial.TrimStart('0'), StringComparison.OrdinalIgnoreCase));
        Assert.False(string.IsNullOrEmpty(old.GetProperty("supersededBy").GetString()), $"The renewed certificate is not marked superseded: {old.GetRawText()}");
    }

    [Fact]
    public async Task ScepClient_1024BitKey_FrontInventoryFlagsTheUpstreamCertificate()
    {
        const string commonName = "upstream-weak-key";
        string directory = fixture.NewWorkDirectory(commonName);
        await OpenSsl.GenerateRsaKeyAsync(Path.Combine(directory, "key.pem"), 1024);

        ScepClientRun run = await ScepClientDriver.RunAsync(fixture.DeviceUrl, ServerFixture.Challenge, directory, commonName);
        output.WriteLine(run.Process.Describe());

        // WeakCrypto=Flag (the default): issued upstream, and the broker records what its policy found.
        Assert.True(run.Process.Succeeded && run.CertificateWritten, fixture.Evidence(run.Process.Describe()));
        var entry = await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, run.CertificateFile);
        Assert.Contains(entry.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "WC-RSA-01");
    }

    [Fact]
    public async Task CertmongerResubmit_IssuedThroughFront_RenewsWithUpstreamCertificate()
    {
        const string commonName = "upstream-certmonger-renew";
        await using var certmonger = await CertmongerDriver.StartAsync();
        await certmonger.AddScepCaAsync("front", fixture.DeviceUrl);
        CertmongerRun first = await certmonger.RequestAsync("front", "renew", "CN=" + commonName, ServerFixture.Challenge, TimeSpan.FromSeconds(30));
        output.WriteLine(first.Describe());
        Assert.True(first.Issued, fixture.Evidence(first.Describe() + "\n" + certmonger.DaemonLog));
        CertificateFacts before = await OpenSsl.ReadCertificateAsync(first.CertificateFile);

        // A PKCSReq signed with the current certificate, with the challenge again (-L).
        CertmongerRun renewed = await certmonger.ResubmitAsync("renew", TimeSpan.FromSeconds(30));
        output.WriteLine(renewed.Describe());

        Assert.True(renewed.Issued, fixture.Evidence(renewed.Describe() + "\n" + certmonger.DaemonLog));
        CertificateFacts after = await OpenSsl.ReadCertificateAsync(renewed.CertificateFile);
        Assert.NotEqual(before.Serial, after.Serial);
        await fixture.AssertChainsToUpstreamAsync(renewed.CertificateFile, renewed.Describe());
        await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, renewed.CertificateFile);
        Assert.Equal(2, fixture.Upstream.IssuedTo(commonName));
    }

    [Fact]
    public async Task StrongSwanPkiRenewal_NoChallengeToScepServer_EndsWithFailure()
    {
        // scepserver checks only the challenge in the CSR, never who signed the request: a renewal relayed without
        // one is refused there, and the device hears FAILURE, not an endless PENDING.
        const string commonName = "upstream-pki-renew-nochallenge";

        StrongSwanRun renewal = (await PkiRenewal.EnrolThenRenewWithoutChallengeAsync(fixture, commonName, output)).Renewal;

        Assert.False(renewal.Process.TimedOut, fixture.Evidence("pki was never told the renewal failed\n" + renewal.Process.Describe()));
        Assert.NotEqual(0, renewal.Process.ExitCode);
        Assert.False(renewal.CertificateWritten, "pki printed a certificate scepserver should have refused");
        Assert.Equal(1, fixture.Upstream.IssuedTo(commonName));
    }

    [Fact]
    public async Task ScepClient_UpstreamRepeatsASerial_DeviceGetsSignedFailureAndAdminSeesWhy()
    {
        // scepserver's serial counter is a file without a lock: under load it issues two certificates with one serial
        // (seen with 16 devices at once). Wound back here so it happens every time.
        string firstDirectory = fixture.NewWorkDirectory("serial-first");
        string secondDirectory = fixture.NewWorkDirectory("serial-second");
        await fixture.Keys.TakeAsync(Path.Combine(firstDirectory, "key.pem"));
        await fixture.Keys.TakeAsync(Path.Combine(secondDirectory, "key.pem"));
        ScepClientRun first = await ScepClientDriver.RunAsync(fixture.DeviceUrl, ServerFixture.Challenge, firstDirectory, "serial-first");
        Assert.True(first.Process.Succeeded && first.CertificateWritten, fixture.Evidence(first.Process.Describe()));
        string serial = fixture.Upstream.Issued().Single(e => e.Subject.EndsWith("/CN=serial-first", StringComparison.Ordinal)).Serial;
        await fixture.Upstream.ReuseSerialAsync(serial);

        ScepClientRun second = await ScepClientDriver.RunAsync(fixture.DeviceUrl, ServerFixture.Challenge, secondDirectory, "serial-second");
        output.WriteLine(second.Process.Describe());

        // The front cannot hold two certificates with one serial; it must say so with a signed FAILURE, not HTTP 500.
        Assert.Equal(2, fixture.Upstream.Issued().Count(e => e.Serial == serial));
        Assert.False(second.CertificateWritten, "scepclient got a certificate whose serial the inventory already holds");
        Assert.True(
            second.Process.StandardOutput.Contains("failInfo", StringComparison.Ordinal),
            fixture.Evidence("The device did not get a signed CertRep FAILURE\n" + second.Process.Describe()));
        using var admin = FrontBroker.NewAdminClient(fixture.Server);
        var requests = await admin.ListRequestsAsync("all", "serial-second");
        output.WriteLine(InventoryChecks.Json(requests));
        Assert.True(requests.Count == 1, fixture.Evidence($"The front queue lists {requests.Count} requests for serial-second: {InventoryChecks.Json(requests)}"));
        var upstream = requests[0].GetProperty("upstream");
        Assert.Equal("failed", upstream.GetProperty("state").GetString());
        Assert.Contains(serial.TrimStart('0'), upstream.GetProperty("lastError").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Single(await admin.ListCertificatesAsync("serial-first"));
    }

    [Fact]
    public async Task RevokeInFront_UpstreamCertificate_RevokedInInventoryOnlyAndUpstreamUntouched()
    {
        const string commonName = "upstream-revoked";
        string directory = fixture.NewWorkDirectory(commonName);
        await fixture.Keys.TakeAsync(Path.Combine(directory, "key.pem"));
        ScepClientRun run = await ScepClientDriver.RunAsync(fixture.DeviceUrl, ServerFixture.Challenge, directory, commonName);
        Assert.True(run.Process.Succeeded && run.CertificateWritten, fixture.Evidence(run.Process.Describe()));
        var entry = await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, run.CertificateFile);
        using var admin = FrontBroker.NewAdminClient(fixture.Server);

        var revoked = await admin.RevokeCertificateAsync(entry.GetProperty("serial").GetString()!, "keyCompromise");

        // SCEP cannot revoke at the upstream: the broker records it, and the CA (here scepserver) still lists it valid.
        Assert.Equal("revoked", revoked.GetProperty("state").GetString());
        Assert.Equal("revoked", (await admin.ListCertificatesAsync(commonName)).Single().GetProperty("state").GetString());
        Assert.Equal("V", fixture.Upstream.Issued().Single(e => e.Subject.EndsWith("/CN=" + commonName, StringComparison.Ordinal)).Status);
    }

    [Fact]
    public async Task GetCaCert_NdesPath_ReturnsUpstreamCaAndBrokerRaChainingToIt()
    {
        CaCertificates certificates = await CaCertificates.FetchAsync(fixture.DeviceUrl);
        using var upstreamCa = fixture.Upstream.CaCertificate;

        Assert.Equal("application/x-x509-ca-ra-cert", certificates.ContentType);
        Assert.Contains(certificates.Authorities, c => c.Thumbprint == upstreamCa.Thumbprint);
        Assert.NotEmpty(certificates.RegistrationAuthorities);
        foreach (var ra in certificates.RegistrationAuthorities)
        {
            // Apple and certmonger want the certificate that signs replies to chain to the CA in the same response.
            Assert.True(ra.IssuerName.RawData.AsSpan().SequenceEqual(upstreamCa.SubjectName.RawData), $"RA {ra.Subject} is issued by {ra.Issuer}, not the upstream CA {upstreamCa.Subject}");
        }
    }
}

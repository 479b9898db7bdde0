using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>
/// A CertBroker upstream with a static challenge and automatic issuance, reached through a <see cref="LossyProxy"/>
/// that can throw away the upstream's replies after it did the work.
/// </summary>
public sealed class LossyUpstreamFixture : CertBrokerUpstreamFixture
{
    private LossyProxy? _proxy;

    public LossyProxy Proxy => _proxy ?? throw new InvalidOperationException("The proxy has not started");

    protected override IEnumerable<KeyValuePair<string, string>> FrontSettings(ServerProcess upstream)
    {
        _proxy = LossyProxy.Start(upstream.BaseAddress);
        return
        [
            new($"CertBroker:Profiles:{FrontBroker.Profile}:Ndes:Url", _proxy.Url("/scep")),
            new($"CertBroker:Profiles:{FrontBroker.Profile}:Ndes:Challenge", Challenge),
        ];
    }

    protected override async Task DisposeMoreAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        await base.DisposeMoreAsync();
    }
}

/// <summary>
/// The upstream issued, but its reply never reached the front: the front must ask again as the same transaction, so
/// the upstream answers with the certificate it already issued instead of issuing a second one.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class LostReplyTests(LossyUpstreamFixture fixture, ITestOutputHelper output) : IClassFixture<LossyUpstreamFixture>
{
    [Fact]
    public async Task StrongSwanPki_UpstreamReplyLost_DeviceGetsTheOneCertificateTheUpstreamIssued()
    {
        const string commonName = "lost-reply-pki";
        string directory = fixture.NewWorkDirectory(commonName);
        StrongSwanCaFiles ca = await StrongSwanDriver.FetchCaAsync(fixture.DeviceUrl, directory);
        string keyFile = Path.Combine(directory, "key.pem");
        await StrongSwanDriver.GenerateKeyAsync(keyFile);
        fixture.Proxy.LoseNextPkiOperationReplies(1);

        StrongSwanRun run = await StrongSwanDriver.EnrolAsync(
            fixture.DeviceUrl, ca, keyFile, "CN=" + commonName, ServerFixture.Challenge, StrongSwanCipher.Aes, Path.Combine(directory, "cert.pem"));
        output.WriteLine(run.Process.Describe());

        Assert.Equal(1, fixture.Proxy.Lost);
        Assert.True(run.CertificateWritten, fixture.Evidence(run.Process.Describe()));
        await fixture.AssertChainsToUpstreamAsync(run.CertificateFile, run.Process.Describe());
        var front = await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, run.CertificateFile);
        using var upstreamAdmin = fixture.NewUpstreamAdminClient();
        var issuedUpstream = await upstreamAdmin.ListCertificatesAsync(commonName);
        Assert.True(issuedUpstream.Count == 1, fixture.Evidence($"The upstream issued {issuedUpstream.Count} certificates for '{commonName}': {InventoryChecks.Json(issuedUpstream)}"));
        Assert.Equal(issuedUpstream[0].GetProperty("serial").GetString(), front.GetProperty("serial").GetString());
    }
}

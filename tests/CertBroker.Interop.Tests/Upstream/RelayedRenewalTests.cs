using System.Security.Cryptography;
using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests.Upstream;

/// <summary>
/// A CertBroker upstream (static challenge, automatic issuance) whose profile trusts the front broker's RA
/// certificate (<c>TrustedRaThumbprints</c>), as an operator sets it up: start the front, read the thumbprint of the RA
/// certificate it enrolled, add it to the upstream and restart the upstream.
/// </summary>
public sealed class TrustedRaUpstreamFixture : CertBrokerUpstreamFixture
{
    protected override IEnumerable<KeyValuePair<string, string>> FrontSettings(ServerProcess upstream) =>
    [
        new($"CertBroker:Profiles:{FrontBroker.Profile}:Ndes:Url", upstream.Url("/scep")),
        new($"CertBroker:Profiles:{FrontBroker.Profile}:Ndes:Challenge", Challenge),
    ];

    protected override Task FrontReadyAsync(CaCertificates frontCertificates)
    {
        var thumbprints = frontCertificates.RegistrationAuthorities.Select(c => Convert.ToHexString(SHA256.HashData(c.RawData))).Distinct();
        return Upstream.RestartAsync(thumbprints.Select((t, i) => new KeyValuePair<string, string>(
            $"CertBroker:Profiles:default:TrustedRaThumbprints:{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}", t)));
    }
}

/// <summary>
/// A device renews through the front with a request signed by its current certificate and no challenge, as
/// strongSwan pki does with <c>--cert/--key</c> and no <c>--password</c>. The front authorises it (its own
/// certificate), relays it signed by its RA, and the upstream issues because it trusts that RA.
/// </summary>
[Trait("Category", "Interop")]
[Trait("Server", "CertBroker")]
public sealed class RelayedRenewalTests(TrustedRaUpstreamFixture fixture, ITestOutputHelper output) : IClassFixture<TrustedRaUpstreamFixture>
{
    [Fact]
    public async Task StrongSwanPkiRenewal_NoChallengeUpstreamTrustsFrontRa_IssuesSecondCertificateForNewKey()
    {
        const string commonName = "relayed-renewal-pki";

        PkiRenewalRuns runs = await PkiRenewal.EnrolThenRenewWithoutChallengeAsync(fixture, commonName, output);
        StrongSwanRun renewed = runs.Renewal;

        Assert.True(renewed.CertificateWritten, fixture.Evidence(renewed.Process.Describe()));
        await fixture.AssertChainsToUpstreamAsync(renewed.CertificateFile, renewed.Process.Describe());
        Assert.Equal(await OpenSsl.ReadPublicKeyOfPrivateKeyAsync(runs.NewKeyFile), (await OpenSsl.ReadCertificateAsync(renewed.CertificateFile)).PublicKeySha256);
        await InventoryChecks.AssertInFrontInventoryAsync(fixture, commonName, renewed.CertificateFile);
        using var upstreamAdmin = fixture.NewUpstreamAdminClient();
        Assert.Equal(2, (await upstreamAdmin.ListCertificatesAsync(commonName)).Count);
    }
}

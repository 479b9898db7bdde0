using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Cluster;
using CertBroker.Issuers.Embedded;
using CertBroker.Issuers.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace CertBroker.Issuers.Tests;

public sealed class EmbeddedCertificateIssuerCrlTests(DevCaFixture ca) : IClassFixture<DevCaFixture>, IDisposable
{
    private readonly TempDirectory data = new();
    private readonly InMemoryCertificateStore store = new();
    private readonly MemoryCrlStore crls = new();

    public void Dispose() => data.Dispose();

    [Fact]
    public async Task PublishAsync_RevokedCertificates_ListsThemWithReasonCodes()
    {
        var (issuer, time) = NewIssuer();
        using var compromised = (await issuer.IssueAsync(Requests.Rsa(), CancellationToken.None)).ToCertificate();
        using var superseded = (await issuer.IssueAsync(Requests.Rsa(), CancellationToken.None)).ToCertificate();
        using var unspecified = (await issuer.IssueAsync(Requests.Rsa(), CancellationToken.None)).ToCertificate();
        using var valid = (await issuer.IssueAsync(Requests.Rsa(), CancellationToken.None)).ToCertificate();
        var revokedAt = time.GetUtcNow().AddMinutes(-30);
        store.Add(Requests.Revoked(compromised, 1, revokedAt));
        store.Add(Requests.Revoked(superseded, 4, revokedAt));
        store.Add(Requests.Revoked(unspecified, 0, revokedAt));

        var crl = new X509CrlParser().ReadCrl(await issuer.PublishAsync(CancellationToken.None));

        Assert.Equal(3, crl.GetRevokedCertificates().Count);
        Assert.Equal(CrlReason.KeyCompromise, ReasonOf(crl, compromised));
        Assert.Equal(CrlReason.Superseded, ReasonOf(crl, superseded));
        Assert.Null(ReasonOf(crl, unspecified));
        Assert.Null(crl.GetRevokedCertificate(Serial(valid)));
        Assert.Equal(revokedAt.UtcDateTime, crl.GetRevokedCertificate(Serial(compromised)).RevocationDate);
        Assert.Equal(time.GetUtcNow().UtcDateTime, crl.ThisUpdate);
        Assert.Equal(time.GetUtcNow().AddHours(24).UtcDateTime, crl.NextUpdate!.Value);
        Assert.Equal(ca.Material.CaCertificate.SubjectName.RawData, crl.IssuerDN.GetEncoded());
    }

    [Fact]
    public async Task PublishAsync_UnassignedReasonCode_ListsTheCertificateWithoutReason()
    {
        var (issuer, time) = NewIssuer();
        using var revoked = (await issuer.IssueAsync(Requests.Rsa(), CancellationToken.None)).ToCertificate();
        store.Add(Requests.Revoked(revoked, 7, time.GetUtcNow()));

        var crl = new X509CrlParser().ReadCrl(await issuer.PublishAsync(CancellationToken.None));

        Assert.NotNull(crl.GetRevokedCertificate(Serial(revoked)));
        Assert.Null(ReasonOf(crl, revoked));
    }

    [Fact]
    public async Task PublishAsync_EachCall_IncreasesTheCrlNumber()
    {
        var (issuer, _) = NewIssuer();

        var first = CrlNumber(await issuer.PublishAsync(CancellationToken.None));
        var second = CrlNumber(await issuer.PublishAsync(CancellationToken.None));
        var third = CrlNumber(await issuer.PublishAsync(CancellationToken.None));

        Assert.Equal(BigInteger.One, first);
        Assert.True(second > first);
        Assert.True(third > second);
    }

    [Fact]
    public async Task PublishAsync_AfterRestart_ContinuesTheCrlNumbering()
    {
        var (before, _) = NewIssuer();
        await before.PublishAsync(CancellationToken.None);
        var last = CrlNumber(await before.PublishAsync(CancellationToken.None));

        var (after, _) = NewIssuer();
        var next = CrlNumber(await after.PublishAsync(CancellationToken.None));

        Assert.True(next > last, $"CRL number {next} after restart is not above {last}");
    }

    [Fact]
    public async Task PublishAsync_NumberFileFromAnEarlierVersion_ContinuesAboveIt()
    {
        await File.WriteAllTextAsync(data.File("crl-number"), "41\n");
        var (issuer, _) = NewIssuer();

        Assert.Equal(new BigInteger(42), CrlNumber(await issuer.PublishAsync(CancellationToken.None)));
        Assert.Equal(new BigInteger(43), CrlNumber(await issuer.PublishAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task GetCurrentCrlAsync_AnotherNodeRevoked_ServesItsCrlWithinTheCheckInterval()
    {
        var (nodeA, _) = NewIssuer();
        var (nodeB, timeB) = NewIssuer();
        var before = await nodeB.GetCurrentCrlAsync(CancellationToken.None);

        var published = await nodeA.PublishAsync(CancellationToken.None);
        timeB.Advance(EmbeddedCertificateIssuer.CrlStoreCheckInterval);

        var served = await nodeB.GetCurrentCrlAsync(CancellationToken.None);
        Assert.Equal(published, served);
        Assert.True(CrlNumber(served) > CrlNumber(before));
    }

    [Fact]
    public async Task PublishAsync_Crl_VerifiesWithOpenSslAgainstTheCa()
    {
        var (issuer, time) = NewIssuer();
        using var revoked = (await issuer.IssueAsync(Requests.Rsa(), CancellationToken.None)).ToCertificate();
        store.Add(Requests.Revoked(revoked, 1, time.GetUtcNow()));
        var crlPath = data.File("ca.crl");
        var caPath = data.File("ca.pem");
        await File.WriteAllBytesAsync(crlPath, await issuer.PublishAsync(CancellationToken.None));
        await File.WriteAllTextAsync(caPath, ca.Material.CaCertificate.ExportCertificatePem());

        var (exitCode, output) = await OpenSsl.RunAsync("crl", "-inform", "DER", "-in", crlPath, "-CAfile", caPath, "-noout", "-text");

        Assert.True(exitCode == 0, output);
        Assert.Contains("verify OK", output, StringComparison.Ordinal);
        Assert.Contains(revoked.SerialNumber, output.Replace(":", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Key Compromise", output, StringComparison.Ordinal);
        Assert.Contains("sha256WithRSAEncryption", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCurrentCrlAsync_WellBeforeNextUpdate_ReturnsTheCachedCrl()
    {
        var (issuer, time) = NewIssuer();
        var first = await issuer.GetCurrentCrlAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromHours(17));
        var second = await issuer.GetCurrentCrlAsync(CancellationToken.None);

        Assert.Same(first, second);
    }

    [Fact]
    public async Task GetCurrentCrlAsync_WithinTheRefreshMargin_SignsANewCrl()
    {
        var (issuer, time) = NewIssuer();
        var first = await issuer.GetCurrentCrlAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromHours(18) + TimeSpan.FromSeconds(1));
        var second = await issuer.GetCurrentCrlAsync(CancellationToken.None);

        Assert.True(CrlNumber(second) > CrlNumber(first));
        Assert.Equal(time.GetUtcNow().UtcDateTime, new X509CrlParser().ReadCrl(second).ThisUpdate);
    }

    [Fact]
    public async Task GetCurrentCrlAsync_AfterPublish_ReturnsThePublishedCrl()
    {
        var (issuer, _) = NewIssuer();
        await issuer.GetCurrentCrlAsync(CancellationToken.None);

        var published = await issuer.PublishAsync(CancellationToken.None);

        Assert.Same(published, await issuer.GetCurrentCrlAsync(CancellationToken.None));
    }

    private (EmbeddedCertificateIssuer Issuer, FakeTimeProvider Time) NewIssuer()
    {
        var time = new FakeTimeProvider(ca.Time.GetUtcNow().AddHours(1));
        var issuer = new EmbeddedCertificateIssuer(
            ca.Material,
            store,
            crls,
            new CrlNumberFile(data.File("crl-number")),
            Options.Create(new EmbeddedCaOptions()),
            time,
            NullLogger<EmbeddedCertificateIssuer>.Instance);
        return (issuer, time);
    }

    private static BigInteger CrlNumber(byte[] crl)
    {
        CertificateRevocationListBuilder.Load(crl, out var number);
        return number;
    }

    private static Org.BouncyCastle.Math.BigInteger Serial(X509Certificate2 certificate) =>
        new(1, certificate.SerialNumberBytes.ToArray());

    private static int? ReasonOf(X509Crl crl, X509Certificate2 certificate)
    {
        var entry = crl.GetRevokedCertificate(Serial(certificate));
        var value = entry.GetExtensionValue(X509Extensions.ReasonCode);
        return value is null ? null : DerEnumerated.GetInstance(X509ExtensionUtilities.FromExtensionValue(value)).Value.IntValue;
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Issuers.Embedded;
using CertBroker.Issuers.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CertBroker.Issuers.Tests;

public sealed class EmbeddedCertificateIssuerTests(DevCaFixture ca) : IClassFixture<DevCaFixture>, IDisposable
{
    private readonly TempDirectory data = new();

    public void Dispose() => data.Dispose();

    [Fact]
    public async Task IssueAsync_RsaRequest_ChainsToCaWithTheCsrSubjectAndKey()
    {
        var (issuer, time) = NewIssuer();
        var request = Requests.Rsa();

        using var certificate = (await issuer.IssueAsync(request, CancellationToken.None)).ToCertificate();

        Assert.Equal(request.Subject.RawData, certificate.SubjectName.RawData);
        Assert.Equal(ca.Material.CaCertificate.SubjectName.RawData, certificate.IssuerName.RawData);
        Assert.Equal(request.PublicKey.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal("1.2.840.113549.1.1.11", certificate.SignatureAlgorithm.Value);
        Assert.Equal(3, certificate.Version);
        Assert.False(certificate.HasPrivateKey);
        Assert.True(KeyMaterialProviderGenerationTests.Chains(certificate, ca.Material.CaCertificate, time.GetUtcNow()));
        await AssertOpenSslVerifiesAsync(certificate);
    }

    [Fact]
    public async Task IssueAsync_EcP256Request_ChainsToCa()
    {
        var (issuer, time) = NewIssuer();
        using var deviceKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=ec-device", deviceKey, HashAlgorithmName.SHA256);
        var request = new IssueRequest(csr.SubjectName, csr.PublicKey, null, Requests.Template());

        using var certificate = (await issuer.IssueAsync(request, CancellationToken.None)).ToCertificate();

        using var publicKey = certificate.GetECDsaPublicKey();
        Assert.NotNull(publicKey);
        Assert.Equal(deviceKey.ExportSubjectPublicKeyInfo(), publicKey.ExportSubjectPublicKeyInfo());
        Assert.True(KeyMaterialProviderGenerationTests.Chains(certificate, ca.Material.CaCertificate, time.GetUtcNow()));
        await AssertOpenSslVerifiesAsync(certificate);
    }

    [Fact]
    public async Task IssueAsync_RequestWithSubjectAltName_CopiesItUnchanged()
    {
        var (issuer, _) = NewIssuer();
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("printer-7.example.com");
        names.AddIpAddress(System.Net.IPAddress.Parse("192.0.2.7"));
        names.AddEmailAddress("ops@example.com");
        var subjectAlternativeName = names.Build();

        using var certificate = (await issuer.IssueAsync(Requests.Rsa(subjectAlternativeName: subjectAlternativeName), CancellationToken.None)).ToCertificate();

        var copied = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(subjectAlternativeName.RawData, copied.RawData);
        Assert.False(copied.Critical);
        Assert.Equal(["printer-7.example.com"], copied.EnumerateDnsNames());
    }

    [Fact]
    public async Task IssueAsync_EmptySubjectWithSubjectAltName_MarksItCritical()
    {
        var (issuer, _) = NewIssuer();
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("nameless.example.com");

        using var certificate = (await issuer.IssueAsync(Requests.Rsa(subject: string.Empty, subjectAlternativeName: names.Build()), CancellationToken.None)).ToCertificate();

        Assert.True(Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()).Critical);
    }

    [Fact]
    public async Task IssueAsync_RequestWithoutSubjectAltName_HasNone()
    {
        var (issuer, _) = NewIssuer();

        using var certificate = (await issuer.IssueAsync(Requests.Rsa(), CancellationToken.None)).ToCertificate();

        Assert.Empty(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
    }

    [Fact]
    public async Task IssueAsync_Template_SetsKeyUsageCriticalExtendedKeyUsageAndEndEntityConstraints()
    {
        var (issuer, _) = NewIssuer();
        var template = new CertificateTemplate(
            TimeSpan.FromDays(90),
            X509KeyUsageFlags.DigitalSignature,
            [Requests.ClientAuth, Requests.ServerAuth]);

        using var certificate = (await issuer.IssueAsync(Requests.Rsa(template: template), CancellationToken.None)).ToCertificate();

        var keyUsage = Assert.Single(certificate.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, keyUsage.KeyUsages);
        Assert.True(keyUsage.Critical);
        var extendedKeyUsage = Assert.Single(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal([Requests.ClientAuth, Requests.ServerAuth], extendedKeyUsage.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        var constraints = Assert.Single(certificate.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.False(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        var subjectKeyId = Assert.Single(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Equal(new X509SubjectKeyIdentifierExtension(certificate.PublicKey, false).SubjectKeyIdentifier, subjectKeyId.SubjectKeyIdentifier);
        var authorityKeyId = Assert.Single(certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>());
        var caKeyId = ca.Material.CaCertificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        Assert.Equal(caKeyId.SubjectKeyIdentifierBytes.ToArray(), authorityKeyId.KeyIdentifier!.Value.ToArray());
        Assert.DoesNotContain(certificate.Extensions.Cast<X509Extension>(), e => e.Oid!.Value == "2.5.29.31");
    }

    [Fact]
    public async Task IssueAsync_TemplateWithoutExtendedKeyUsages_HasNoExtendedKeyUsageExtension()
    {
        var (issuer, _) = NewIssuer();

        using var certificate = (await issuer.IssueAsync(Requests.Rsa(), CancellationToken.None)).ToCertificate();

        Assert.Empty(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>());
    }

    [Fact]
    public async Task IssueAsync_CrlDistributionPointConfigured_AddsIt()
    {
        var (issuer, _) = NewIssuer(new EmbeddedCaOptions { CrlDistributionPointUrl = "http://pki.example.com/certbroker.crl" });

        using var certificate = (await issuer.IssueAsync(Requests.Rsa(), CancellationToken.None)).ToCertificate();

        var distributionPoint = Assert.Single(certificate.Extensions.Cast<X509Extension>(), e => e.Oid!.Value == "2.5.29.31");
        Assert.Contains("http://pki.example.com/certbroker.crl", System.Text.Encoding.ASCII.GetString(distributionPoint.RawData), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssueAsync_Serial_IsSixteenBytesAndPositive()
    {
        var (issuer, _) = NewIssuer();

        for (var i = 0; i < 50; i++)
        {
            using var certificate = (await issuer.IssueAsync(Requests.Rsa(), CancellationToken.None)).ToCertificate();

            var serial = certificate.SerialNumberBytes.Span;
            Assert.Equal(16, serial.Length);
            Assert.InRange(serial[0], 0x01, 0x7F);
        }
    }

    [Fact]
    public async Task IssueAsync_OneThousandConcurrentRequests_AllSerialsDistinct()
    {
        var (issuer, _) = NewIssuer();
        var request = Requests.Rsa();
        var serials = new ConcurrentBag<string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), async (_, cancellationToken) =>
        {
            using var certificate = (await issuer.IssueAsync(request, cancellationToken)).ToCertificate();
            serials.Add(certificate.SerialNumber);
        });

        Assert.Equal(1000, serials.Distinct().Count());
    }

    [Fact]
    public async Task IssueAsync_Validity_StartsFiveMinutesEarlyAndLastsTheTemplateValidity()
    {
        var (issuer, time) = NewIssuer(start: ca.Time.GetUtcNow().AddDays(3));

        using var certificate = (await issuer.IssueAsync(Requests.Rsa(template: Requests.Template(TimeSpan.FromDays(30))), CancellationToken.None)).ToCertificate();

        Assert.Equal(time.GetUtcNow().AddMinutes(-5), NotBefore(certificate));
        Assert.Equal(time.GetUtcNow().AddDays(30), NotAfter(certificate));
    }

    [Fact]
    public async Task IssueAsync_ValidityBeyondTheCa_EndsWithTheCa()
    {
        var (issuer, _) = NewIssuer();

        using var certificate = (await issuer.IssueAsync(
            Requests.Rsa(template: Requests.Template(TimeSpan.FromDays(365 * 50))),
            CancellationToken.None)).ToCertificate();

        Assert.Equal(ca.Material.CaCertificate.NotAfter, certificate.NotAfter);
    }

    [Fact]
    public async Task IssueAsync_RightAfterCaCreation_NeverStartsBeforeTheCa()
    {
        var (issuer, _) = NewIssuer(start: ca.Time.GetUtcNow().AddMinutes(-2));

        using var certificate = (await issuer.IssueAsync(Requests.Rsa(), CancellationToken.None)).ToCertificate();

        Assert.Equal(ca.Material.CaCertificate.NotBefore, certificate.NotBefore);
    }

    [Fact]
    public async Task IssueAsync_AfterCaExpiry_Throws()
    {
        var (issuer, _) = NewIssuer(start: ca.Time.GetUtcNow().AddYears(11));

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => issuer.IssueAsync(Requests.Rsa(), CancellationToken.None));

        Assert.Contains("expired", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssueAsync_NonPositiveValidity_Throws()
    {
        var (issuer, _) = NewIssuer();

        await Assert.ThrowsAsync<ArgumentException>(
            () => issuer.IssueAsync(Requests.Rsa(template: Requests.Template(TimeSpan.Zero)), CancellationToken.None));
    }

    [Fact]
    public void CaChain_DevMaterial_IsTheRootAlone()
    {
        var (issuer, _) = NewIssuer();

        Assert.Equal([ca.Material.CaCertificate], issuer.CaChain);
    }

    private (EmbeddedCertificateIssuer Issuer, FakeTimeProvider Time) NewIssuer(
        EmbeddedCaOptions? options = null,
        DateTimeOffset? start = null)
    {
        var time = new FakeTimeProvider(start ?? ca.Time.GetUtcNow());
        var issuer = new EmbeddedCertificateIssuer(
            ca.Material,
            new InMemoryCertificateStore(),
            new CertBroker.Core.Cluster.MemoryCrlStore(),
            new CrlNumberFile(data.File("crl-number")),
            Options.Create(options ?? new EmbeddedCaOptions()),
            time,
            NullLogger<EmbeddedCertificateIssuer>.Instance);
        return (issuer, time);
    }

    private async Task AssertOpenSslVerifiesAsync(X509Certificate2 certificate)
    {
        var caPath = data.File("ca.pem");
        var leafPath = data.File("leaf.pem");
        await File.WriteAllTextAsync(caPath, ca.Material.CaCertificate.ExportCertificatePem());
        await File.WriteAllTextAsync(leafPath, certificate.ExportCertificatePem());

        var (exitCode, output) = await OpenSsl.RunAsync("verify", "-x509_strict", "-CAfile", caPath, leafPath);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"{leafPath}: OK", output, StringComparison.Ordinal);
    }

    private static DateTimeOffset NotBefore(X509Certificate2 certificate) => new(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);

    private static DateTimeOffset NotAfter(X509Certificate2 certificate) => new(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
}

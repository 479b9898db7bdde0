using System.Net;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep.Cms;
using CertBroker.Server.Tests.Support;

namespace CertBroker.Server.Tests;

/// <summary>GetCACert and GetNextCACert (RFC 8894 §4.2, §4.3).</summary>
public sealed class GetCaCertTests(BrokerFactory factory) : IClassFixture<BrokerFactory>
{
    [Theory]
    [InlineData("/scep")]
    [InlineData("/certsrv/mscep/mscep.dll")]
    public async Task GetCaCert_DevMaterial_ReturnsCaRaCertContentType(string path)
    {
        HttpResponseMessage response = await factory.CreateClient().GetAsync($"{path}?operation=GetCACert&message=CAIdentifier");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-x509-ca-ra-cert", ScepHttp.ContentType(response));
    }

    [Fact]
    public async Task GetCaCert_DevMaterial_IsDegeneratePkcs7WithRaSigningRaEncryptionThenCa()
    {
        HttpResponseMessage response = await factory.CreateClient().GetAsync("/scep?operation=GetCACert");
        SignedDataContent degenerate = SignedDataReader.Read(await response.Content.ReadAsByteArrayAsync());

        Assert.Empty(degenerate.Signers);
        Assert.Null(degenerate.Content);
        X509Certificate2[] certificates = degenerate.Certificates.Select(c => X509CertificateLoader.LoadCertificate(c.Span)).ToArray();
        Assert.Equal(3, certificates.Length);
        Assert.Equal(File.ReadAllText(Path.Combine(factory.DataDir, "ca", "ra-signing-cert.pem")).Trim(), certificates[0].ExportCertificatePem());
        Assert.Equal(File.ReadAllText(Path.Combine(factory.DataDir, "ca", "ra-encryption-cert.pem")).Trim(), certificates[1].ExportCertificatePem());
        Assert.Equal(File.ReadAllText(Path.Combine(factory.DataDir, "ca", "ca-cert.pem")).Trim(), certificates[2].ExportCertificatePem());
    }

    [Fact]
    public async Task GetCaCert_RaCertificates_HaveSigningAndEncipheringKeyUsagesAndChainToCa()
    {
        CaCertificates ca = await ScepHttp.GetCaCertificatesAsync(factory.CreateClient());

        X509KeyUsageFlags signing = Assert.IsType<X509KeyUsageExtension>(ca.RaSigning.Extensions["2.5.29.15"]).KeyUsages;
        X509KeyUsageFlags encryption = Assert.IsType<X509KeyUsageExtension>(ca.RaEncryption.Extensions["2.5.29.15"]).KeyUsages;
        Assert.True(signing.HasFlag(X509KeyUsageFlags.DigitalSignature), signing.ToString());
        Assert.True(encryption.HasFlag(X509KeyUsageFlags.KeyEncipherment), encryption.ToString());
        Assert.True(Assert.IsType<X509BasicConstraintsExtension>(ca.Ca.Extensions["2.5.29.19"]).CertificateAuthority);
        foreach (X509Certificate2 ra in new[] { ca.RaSigning, ca.RaEncryption })
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca.Ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            Assert.True(chain.Build(ra), $"{ra.Subject}: {string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation))}");
        }
    }

    [Fact]
    public async Task GetNextCaCert_NoSuccessorConfigured_Returns404WithClearText()
    {
        HttpResponseMessage response = await factory.CreateClient().GetAsync("/scep?operation=GetNextCACert");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", ScepHttp.ContentType(response));
        Assert.Equal("No successor CA is configured\n", await response.Content.ReadAsStringAsync());
    }
}

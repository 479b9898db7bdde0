using CertBroker.Interop.Tests.Clients;
using CertBroker.Interop.Tests.Harness;

namespace CertBroker.Interop.Tests;

/// <summary>The harness's own certificate handling, checked against a CA with an NDES-style RA pair.</summary>
[Trait("Category", "Interop")]
[Trait("Server", "None")]
public sealed class HarnessTests
{
    [Fact]
    public async Task CaCertificatesParse_DegeneratePkcs7WithTwoRaCertificates_TrustsOnlyTheSelfSignedCa()
    {
        await using var pki = TestPki.Create();

        var certificates = CaCertificates.Parse(pki.GetCaCertBody, "application/x-x509-ca-ra-cert");

        Assert.Equal(3, certificates.All.Count);
        Assert.Equal(pki.Ca.Thumbprint, certificates.Root.Thumbprint);
        Assert.Empty(certificates.Intermediates);
        Assert.Equal(
            new[] { pki.SigningRa.Thumbprint, pki.EncryptionRa.Thumbprint }.Order(),
            certificates.RegistrationAuthorities.Select(c => c.Thumbprint).Order());
    }

    [Fact]
    public async Task StrongSwanFetchCa_SigningAndEncryptionRaCertificates_ToldApartByKeyUsage()
    {
        await using var pki = TestPki.Create();
        using var directory = TempDirectory.Create("pki-roles");

        var ca = await StrongSwanDriver.FetchCaAsync(pki.ScepUrl, directory.Path);

        Assert.Equal(2, ca.RaFiles.Count);
        Assert.Equal(pki.Ca.Thumbprint, OpenSsl.Load(ca.CaFile).Thumbprint);
        Assert.Equal(pki.EncryptionRa.Thumbprint, OpenSsl.Load(ca.EncryptionCertificateFile).Thumbprint);
        Assert.Equal(pki.SigningRa.Thumbprint, OpenSsl.Load(ca.SigningCertificateFile).Thumbprint);
    }
}

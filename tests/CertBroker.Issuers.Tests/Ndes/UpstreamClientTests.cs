using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CertBroker.Core.Profiles;
using CertBroker.Issuers.Ndes;
using CertBroker.Scep;

namespace CertBroker.Issuers.Tests.Ndes;

/// <summary>
/// The upstream client's wire format: requests built with the strongest advertised algorithms, CertReps checked
/// (signer, transaction, nonce) and decrypted with the broker's key.
/// </summary>
public sealed class UpstreamClientTests : IDisposable
{
    private readonly InMemoryScepCa _ca = new();
    private readonly UpstreamHttp _http;
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _signer;

    public UpstreamClientTests()
    {
        _http = new UpstreamHttp(new NdesOptions { Url = "http://upstream.test/scep", TimeoutSeconds = 10 }, _ca);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        _signer = new CertificateRequest("CN=broker RA", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(now.AddHours(-1), now.AddHours(1));
    }

    [Fact]
    public async Task RunAsync_AesSha512AndPostAdvertised_UsesThemAndOpensTheIssuedCertificate()
    {
        UpstreamCertificates upstream = await FetchAsync();

        UpstreamCertRep reply = await RunAsync(upstream, "CN=device-1");

        Assert.Equal(PkiStatus.Success, reply.Status);
        Assert.Equal(("AES-128-CBC", "SHA-512"), (reply.Cipher, reply.Digest));
        Assert.Equal((HttpMethod.Post, "AES-128-CBC", "SHA-512"), _ca.Received.Single());
        X509Certificate2? issued = reply.IssuedFor(_key.ExportSubjectPublicKeyInfo());
        Assert.Equal("CN=device-1", issued?.Subject);
        Assert.Equal(_ca.Ca.Subject, issued?.Issuer);
    }

    [Fact]
    public async Task RunAsync_NoCapabilities_SendsByGetWithDesAndSha1()
    {
        _ca.Capabilities = "";
        UpstreamCertificates upstream = await FetchAsync();

        UpstreamCertRep reply = await RunAsync(upstream, "CN=device-2");

        Assert.Equal(PkiStatus.Success, reply.Status);
        Assert.Equal((HttpMethod.Get, "DES-CBC", "SHA-1"), _ca.Received.Single());
    }

    [Fact]
    public async Task RunAsync_Des3AndSha256Advertised_UsesThem()
    {
        _ca.Capabilities = "DES3\r\nSHA-256\r\nPOSTPKIOperation";
        UpstreamCertificates upstream = await FetchAsync();

        UpstreamCertRep reply = await RunAsync(upstream, "CN=device-3");

        Assert.Equal(("3DES-CBC", "SHA-256"), (reply.Cipher, reply.Digest));
    }

    [Theory]
    [InlineData(PkiStatus.Pending)]
    [InlineData(PkiStatus.Failure)]
    public async Task RunAsync_PendingOrFailure_ReturnsTheStatusWithoutCertificates(PkiStatus status)
    {
        _ca.Answer = status;
        UpstreamCertificates upstream = await FetchAsync();

        UpstreamCertRep reply = await RunAsync(upstream, "CN=device-4");

        Assert.Equal(status, reply.Status);
        Assert.Empty(reply.Certificates);
    }

    [Fact]
    public async Task RunAsync_ReplySignedByCertificateNotFromGetCaCert_IsRejected()
    {
        _ca.SignAsStranger = true;
        UpstreamCertificates upstream = await FetchAsync();

        await Assert.ThrowsAsync<UpstreamReplyException>(() => RunAsync(upstream, "CN=device-5"));
    }

    [Fact]
    public async Task RunAsync_ReplyForAnotherNonce_IsRejected()
    {
        _ca.WrongNonce = true;
        _ca.Answer = PkiStatus.Pending;
        UpstreamCertificates upstream = await FetchAsync();

        await Assert.ThrowsAsync<UpstreamReplyException>(() => RunAsync(upstream, "CN=device-6"));
    }

    [Fact]
    public async Task UpstreamCertificates_CaWithoutRa_EnvelopesToTheCa()
    {
        UpstreamCertificates upstream = await FetchAsync();

        Assert.Equal(_ca.Ca.RawData, upstream.Recipient.RawData);
        Assert.Equal(_ca.Ca.RawData, Assert.Single(upstream.CaChain).RawData);
    }

    [Fact]
    public void UpstreamCertificates_NdesStyleRaPair_EnvelopesToTheEncryptionRaAndChainsFromTheIssuingCa()
    {
        (X509Certificate2 root, RSA rootKey) = Support.TestPki.CreateCa("Root");
        (X509Certificate2 signing, _) = Support.TestPki.CreateIssued(root, rootKey, "NDES-RA-Sign", X509KeyUsageFlags.DigitalSignature);
        (X509Certificate2 encryption, _) = Support.TestPki.CreateIssued(root, rootKey, "NDES-RA-Enc", X509KeyUsageFlags.KeyEncipherment);

        var upstream = new UpstreamCertificates(CaCapabilities.Parse("AES"), [], [signing, encryption, root], DateTimeOffset.UtcNow);

        Assert.Equal("CN=NDES-RA-Enc", upstream.Recipient.Subject);
        Assert.Equal("CN=Root", upstream.IssuingCa.Subject);
        Assert.True(upstream.IsUpstreamSigner(signing.RawData));
    }

    [Fact]
    public void ReadPassword_NdesPageInUtf16WithoutBom_FindsThePassword()
    {
        byte[] page = Encoding.Unicode.GetBytes(
            "<HTML><Body><P> The thumbprint (hash value) for the CA certificate is: <B> 8C2D... </B> "
            + "<P> The enrollment challenge password is: <B> 6C4AF4EF8E4F9C9B </B> <P> This password can be used only once.</Body></HTML>");

        Assert.Equal("6C4AF4EF8E4F9C9B", NdesAdminPageParser.ReadPassword(page));
    }

    [Fact]
    public void ReadPassword_Utf8Page_FindsThePassword()
    {
        byte[] page = Encoding.UTF8.GetBytes("<p>The enrollment challenge password is: <b>ABCDEF0123456789</b></p>");

        Assert.Equal("ABCDEF0123456789", NdesAdminPageParser.ReadPassword(page));
    }

    [Fact]
    public void ReadPassword_CacheFull_Throws()
    {
        byte[] page = Encoding.Unicode.GetBytes("<P> The password cache is full. </P>");

        Assert.Throws<Core.Backends.UpstreamChallengeException>(() => NdesAdminPageParser.ReadPassword(page));
    }

    [Fact]
    public void ReadPassword_LoginPage_ReturnsNull()
    {
        Assert.Null(NdesAdminPageParser.ReadPassword(Encoding.UTF8.GetBytes("<html>You are not authorized to view this page</html>")));
    }

    public void Dispose()
    {
        _http.Dispose();
        _ca.Dispose();
        _key.Dispose();
        _signer.Dispose();
    }

    private async Task<UpstreamCertificates> FetchAsync()
    {
        IReadOnlySet<string> capabilities = await _http.GetCaCapsAsync(CancellationToken.None);
        (byte[] body, IReadOnlyList<X509Certificate2> certificates) = await _http.GetCaCertAsync(CancellationToken.None);
        return new UpstreamCertificates(capabilities, body, certificates, DateTimeOffset.UtcNow);
    }

    private Task<UpstreamCertRep> RunAsync(UpstreamCertificates upstream, string subject)
    {
        byte[] csr = new CertificateRequest(subject, _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
        return UpstreamExchange.RunAsync(
            _http, upstream, MessageType.PkcsReq, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), csr, _signer, _key, DateTimeOffset.UtcNow, CancellationToken.None);
    }
}

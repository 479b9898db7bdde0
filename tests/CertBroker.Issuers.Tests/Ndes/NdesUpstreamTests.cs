using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Issuers.Ndes;
using CertBroker.Issuers.Tests.Support;
using CertBroker.Scep;
using Microsoft.Extensions.Logging.Abstractions;

namespace CertBroker.Issuers.Tests.Ndes;

/// <summary>
/// One upstream profile's identity: the broker's RA enrolled from the upstream (PENDING there first, then polled),
/// and a restart while the upstream is down served from what the data directory kept.
/// </summary>
public sealed class NdesUpstreamTests : IDisposable
{
    private readonly InMemoryScepCa _ca = new();
    private readonly TempDirectory _directory = new();
    private readonly NdesOptions _options = new() { Url = "http://upstream.test/scep", Challenge = "upstream-secret", TimeoutSeconds = 10 };

    [Fact]
    public async Task RefreshAsync_UpstreamAnswersSuccess_EnrolsRaIssuedByTheUpstreamCa()
    {
        using NdesUpstream upstream = Create();

        Assert.True(await upstream.RefreshAsync(CancellationToken.None));

        BackendIdentity identity = upstream.Identity!;
        Assert.Matches("^CN=CertBroker RA mfd [0-9A-F]{8}$", identity.Ra.SigningCertificate.Subject);
        Assert.Equal(_ca.Ca.Subject, identity.Ra.SigningCertificate.Issuer);
        Assert.Equal(_ca.Ca.RawData, identity.CaChain[0].RawData);
    }

    [Fact]
    public async Task RefreshAsync_RaPendingUpstream_NotReadyUntilPolledAfterApproval()
    {
        using NdesUpstream upstream = Create();
        _ca.Answer = PkiStatus.Pending;

        bool whilePending = await upstream.RefreshAsync(CancellationToken.None);
        _ca.Answer = PkiStatus.Success;
        bool afterApproval = await upstream.RefreshAsync(CancellationToken.None);

        Assert.False(whilePending);
        Assert.True(afterApproval);
        Assert.Equal([MessageType.PkcsReq, MessageType.CertPoll], _ca.MessageTypes);
        Assert.NotNull(upstream.Identity);
    }

    [Fact]
    public async Task RefreshAsync_RestartWhileUpstreamDown_ServesCachedCertificatesAndTheStoredRa()
    {
        byte[] ra;
        using (NdesUpstream first = Create())
        {
            Assert.True(await first.RefreshAsync(CancellationToken.None));
            ra = first.Identity!.Ra.SigningCertificate.RawData;
        }

        _ca.Down = true;
        using NdesUpstream second = Create();

        Assert.True(await second.RefreshAsync(CancellationToken.None));
        Assert.Equal(ra, second.Identity!.Ra.SigningCertificate.RawData);
        Assert.Equal(_ca.Ca.RawData, second.Identity.CaChain[0].RawData);
    }

    [Fact]
    public async Task SendAsync_UpstreamDown_ReportsUnreachableWithTheAlgorithmsItWouldUse()
    {
        using NdesUpstream upstream = Create();
        Assert.True(await upstream.RefreshAsync(CancellationToken.None));
        _ca.Down = true;
        using var key = System.Security.Cryptography.RSA.Create(2048);
        byte[] csr = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=device", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1).CreateSigningRequest();

        UpstreamReply reply = await upstream.SendAsync(new UpstreamSubmission("T1", csr, new("CN=device")), poll: false, CancellationToken.None);

        Assert.Equal(UpstreamStatus.Unreachable, reply.Status);
        Assert.Contains("Connection refused", reply.Detail);
        Assert.Equal(("AES-128-CBC", "SHA-512"), (reply.Cipher, reply.Digest));
    }

    public void Dispose()
    {
        _ca.Dispose();
        _directory.Dispose();
    }

    private NdesUpstream Create() => new("mfd", _options, _directory.Path, TimeProvider.System, NullLogger.Instance, _ca);
}

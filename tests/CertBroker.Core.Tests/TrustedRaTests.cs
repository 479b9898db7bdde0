using System.Security.Cryptography;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;

namespace CertBroker.Core.Tests;

/// <summary>
/// <c>TrustedRaThumbprints</c>: a request signed by a trusted registration authority (another broker relaying a
/// device's CSR, renewals included) is authorised without a challenge; any other signer still needs one.
/// </summary>
public sealed class TrustedRaTests(CaFixture ca) : IClassFixture<CaFixture>
{
    [Fact]
    public async Task PkcsReq_SignedByTrustedRaWithoutChallenge_IssuesForTheDevicesKey()
    {
        using var ra = new Device(66, "CN=Front broker RA");
        using var device = new Device(67);
        string thumbprint = Convert.ToHexString(SHA256.HashData(ra.SelfSigned.RawData));
        await using var scep = await ScepHarness.CreateAsync(ca, o => o.TrustedRaThumbprints = [thumbprint.ToLowerInvariant()]);

        ClientMessage request = scep.Client.PkcsReq(ra, device.Csr("CN=relayed-renewal"), transactionId: "relayed-1");
        CertRepContent reply = request.Open(await scep.SendAsync(request));

        Assert.Equal(PkiStatus.Success, reply.Message.Status);
        Assert.Equal(device.Key.ExportSubjectPublicKeyInfo(), reply.Certificates[0].PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task PkcsReq_SignedByUntrustedSignerWithoutChallenge_IsRefused()
    {
        using var ra = new Device(66, "CN=Front broker RA");
        using var stranger = new Device(68, "CN=Someone");
        using var device = new Device(67);
        string thumbprint = Convert.ToHexString(SHA256.HashData(ra.SelfSigned.RawData));
        await using var scep = await ScepHarness.CreateAsync(ca, o => o.TrustedRaThumbprints = [thumbprint]);

        ClientMessage request = scep.Client.PkcsReq(stranger, device.Csr("CN=not-relayed"), transactionId: "relayed-2");
        CertRepContent reply = request.Open(await scep.SendAsync(request));

        Assert.Equal(PkiStatus.Failure, reply.Message.Status);
        Assert.Equal(FailInfo.BadRequest, reply.Message.FailInfo);
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;

namespace CertBroker.Core.Tests;

/// <summary>Which GetCACert certificates a request may be enveloped to (INTEROP.md: micromdm, jscep, Apple).</summary>
public sealed class EnvelopeRecipientTests(CaFixture ca) : IClassFixture<CaFixture>
{
    [Fact]
    public async Task PkcsReq_EnvelopedToEveryGetCaCertCertificate_IsIssued()
    {
        // micromdm's scepclient encrypts to every certificate GetCACert returned.
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.Write(
            MessageType.PkcsReq, device.Csr("CN=laptop-12", ScepHarness.Challenge), device.SelfSigned, device.Key, device.TransactionId,
            recipients: [scep.Ra.SigningCertificate, scep.Ra.EncryptionCertificate, scep.CaCertificate]);

        CertRepContent reply = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);

        Assert.Equal("CN=laptop-12", reply.Certificates[0].Subject);
    }

    [Fact]
    public async Task PkcsReq_EnvelopedToSigningRaOnly_IsIssued()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.Write(
            MessageType.PkcsReq, device.Csr("CN=laptop-12", ScepHarness.Challenge), device.SelfSigned, device.Key, device.TransactionId,
            recipients: scep.Ra.SigningCertificate);

        ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);
    }

    [Fact]
    public async Task PkcsReq_EnvelopedToCaOnly_FailsWithBadMessageCheck()
    {
        // The CA key never opens request envelopes: it stays for signing certificates and CRLs.
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.Write(
            MessageType.PkcsReq, device.Csr("CN=laptop-12", ScepHarness.Challenge), device.SelfSigned, device.Key, device.TransactionId,
            recipients: scep.CaCertificate);

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadMessageCheck, scep.Ra);
    }

    [Fact]
    public async Task PkcsReq_EcCsrKeyWithRsaSigner_IssuesCertificateForTheEcKey()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        using ECDsa ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=sensor-9", ecKey, HashAlgorithmName.SHA256);
        var challenge = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        challenge.WriteCharacterString(System.Formats.Asn1.UniversalTagNumber.PrintableString, ScepHarness.Challenge);
        csr.OtherRequestAttributes.Add(new AsnEncodedData(Oids.ChallengePassword, challenge.Encode()));
        ClientMessage request = scep.Client.PkcsReq(device, csr.CreateSigningRequest(), "ec-device");

        X509Certificate2 issued = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];

        Assert.Equal(ecKey.ExportSubjectPublicKeyInfo(), issued.PublicKey.ExportSubjectPublicKeyInfo());
    }
}

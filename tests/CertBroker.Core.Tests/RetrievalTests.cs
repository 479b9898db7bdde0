using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;

namespace CertBroker.Core.Tests;

/// <summary>CertPoll, GetCert and GetCRL (RFC 8894 §3.3.3, §3.3.4).</summary>
public sealed class RetrievalTests(CaFixture ca) : IClassFixture<CaFixture>
{
    [Fact]
    public async Task CertPoll_AfterSuccess_ReturnsIssuedCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 issued = await EnrolAsync(scep, device, "CN=laptop-12");

        ClientMessage poll = scep.Client.CertPoll(device, device.TransactionId, scep.CaCertificate.SubjectName, new X500DistinguishedName("CN=laptop-12"));
        CertRepContent reply = ReplyAssert.Success(poll, await scep.SendAsync(poll), scep.Ra);

        Assert.Equal(issued.RawData, reply.Certificates[0].RawData);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task CertPoll_UnknownTransaction_FailsWithBadCertId()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);

        ClientMessage poll = scep.Client.CertPoll(device, "never-sent", scep.CaCertificate.SubjectName, new X500DistinguishedName("CN=laptop-12"));

        ReplyAssert.Failure(poll, await scep.SendAsync(poll), FailInfo.BadCertId, scep.Ra);
    }

    [Fact]
    public async Task CertPoll_AfterRefusal_RepeatsTheRefusal()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", "wrong"));
        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadRequest, scep.Ra);

        ClientMessage poll = scep.Client.CertPoll(device, device.TransactionId, scep.CaCertificate.SubjectName, new X500DistinguishedName("CN=laptop-12"));

        ReplyAssert.Failure(poll, await scep.SendAsync(poll), FailInfo.BadRequest, scep.Ra);
    }

    [Fact]
    public async Task GetCert_IssuerAndSerialOfIssuedCertificate_ReturnsThatCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 issued = await EnrolAsync(scep, device, "CN=laptop-12");
        using var other = new Device(1);

        ClientMessage getCert = scep.Client.GetCert(other, PkiRequest.IssuerAndSerialNumber(issued));
        CertRepContent reply = ReplyAssert.Success(getCert, await scep.SendAsync(getCert), scep.Ra);

        X509Certificate2 returned = Assert.Single(reply.Certificates);
        Assert.Equal(issued.RawData, returned.RawData);
    }

    [Fact]
    public async Task GetCert_UnknownSerial_FailsWithBadCertId()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        await EnrolAsync(scep, device, "CN=laptop-12");

        byte[] unknownSerial = IssuerAndSerial(scep.CaCertificate.SubjectName, [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]);
        ClientMessage getCert = scep.Client.GetCert(device, unknownSerial);

        ReplyAssert.Failure(getCert, await scep.SendAsync(getCert), FailInfo.BadCertId, scep.Ra);
    }

    [Fact]
    public async Task GetCert_SerialOfIssuedCertificateUnderAnotherIssuer_FailsWithBadCertId()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 issued = await EnrolAsync(scep, device, "CN=laptop-12");

        byte[] otherIssuer = IssuerAndSerial(new X500DistinguishedName("CN=Some Other CA"), issued.SerialNumberBytes.ToArray());
        ClientMessage getCert = scep.Client.GetCert(device, otherIssuer);

        ReplyAssert.Failure(getCert, await scep.SendAsync(getCert), FailInfo.BadCertId, scep.Ra);
    }

    [Fact]
    public async Task GetCrl_ForOurCa_ReturnsCrlSignedByTheCa()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 issued = await EnrolAsync(scep, device, "CN=laptop-12");

        ClientMessage getCrl = scep.Client.GetCrl(device, PkiRequest.IssuerAndSerialNumber(issued));
        CertRepContent reply = ReplyAssert.Success(getCrl, await scep.SendAsync(getCrl), scep.Ra);

        Crl crl = Crl.Parse(Assert.Single(reply.Crls));
        Assert.True(crl.IsSignedBy(scep.CaCertificate));
        Assert.Equal(scep.CaCertificate.SubjectName.RawData, crl.Issuer.RawData);
        Assert.Empty(crl.RevokedSerials);
        Assert.Empty(reply.Certificates);
    }

    [Fact]
    public async Task GetCrl_AfterRevocationAndPublish_ListsRevokedSerial()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 revoked = await EnrolAsync(scep, device, "CN=stolen-laptop");
        using var colleague = new Device(1);
        X509Certificate2 kept = await EnrolAsync(scep, colleague, "CN=laptop-13");
        string serial = CertificateRecords.SerialHex(revoked.SerialNumberBytes.Span);
        Assert.True(await scep.Stores.Certificates.RevokeAsync(serial, 1, scep.Time.GetUtcNow(), CancellationToken.None));
        await scep.Issuer.PublishAsync(CancellationToken.None);

        ClientMessage getCrl = scep.Client.GetCrl(colleague, PkiRequest.IssuerAndSerialNumber(kept));
        CertRepContent reply = ReplyAssert.Success(getCrl, await scep.SendAsync(getCrl), scep.Ra);

        Crl crl = Crl.Parse(Assert.Single(reply.Crls));
        Assert.True(crl.IsSignedBy(scep.CaCertificate));
        Assert.Equal([serial], crl.RevokedSerials);
    }

    [Fact]
    public async Task GetCrl_AnotherIssuer_FailsWithBadCertId()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);

        ClientMessage getCrl = scep.Client.GetCrl(device, PkiRequest.IssuerAndSerialNumber(device.SelfSigned));

        ReplyAssert.Failure(getCrl, await scep.SendAsync(getCrl), FailInfo.BadCertId, scep.Ra);
    }

    private static async Task<X509Certificate2> EnrolAsync(ScepHarness scep, Device device, string subject)
    {
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(subject, ScepHarness.Challenge));
        return ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];
    }

    private static byte[] IssuerAndSerial(X500DistinguishedName issuer, byte[] serial)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        new Scep.Cms.IssuerAndSerial(issuer.RawData, serial).Write(writer);
        return writer.Encode();
    }
}

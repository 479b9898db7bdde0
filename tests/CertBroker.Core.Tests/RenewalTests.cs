using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;

namespace CertBroker.Core.Tests;

/// <summary>Renewal (RFC 8894 §3.3.1.2): authorised by a current certificate of this CA, not by the challenge.</summary>
public sealed class RenewalTests(CaFixture ca) : IClassFixture<CaFixture>
{
    private const string Subject = "CN=laptop-12,O=Acme";

    [Fact]
    public async Task RenewalReq_SignedByIssuedCertificateWithNewKey_IssuesNewCertificateWithoutChallenge()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        using var rekeyed = new Device(1);

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, rekeyed.Csr(Subject), rekeyed.TransactionId);
        X509Certificate2 renewed = ReplyAssert.Success(renewal, await scep.SendAsync(renewal), scep.Ra).Certificates[0];

        Assert.NotEqual(current.SerialNumber, renewed.SerialNumber);
        Assert.Equal(current.SubjectName.RawData, renewed.SubjectName.RawData);
        Assert.Equal(rekeyed.Key.ExportSubjectPublicKeyInfo(), renewed.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(2, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_SignedByIssuedCertificateWithoutChallenge_IsRenewal()
    {
        // certmonger renews with a PKCSReq signed by the current certificate.
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        using var rekeyed = new Device(1);

        ClientMessage renewal = scep.Client.Write(MessageType.PkcsReq, rekeyed.Csr(Subject), current, device.Key, rekeyed.TransactionId);
        X509Certificate2 renewed = ReplyAssert.Success(renewal, await scep.SendAsync(renewal), scep.Ra).Certificates[0];

        Assert.NotEqual(current.SerialNumber, renewed.SerialNumber);
    }

    [Fact]
    public async Task RenewalReq_SameKeyAndTransactionIdAsEnrolment_IssuesNewCertificate()
    {
        // micromdm's scepclient keeps its key and derives the transactionID from it, so a renewal reuses both.
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), device.TransactionId);
        ScepResult result = await scep.SendAsync(renewal);
        X509Certificate2 renewed = ReplyAssert.Success(renewal, result, scep.Ra).Certificates[0];

        Assert.NotEqual(current.SerialNumber, renewed.SerialNumber);
        Assert.Equal(2, await scep.CountCertificatesAsync());
        EnrolmentTransaction? enrolment = await scep.Stores.Enrolments.FindTransactionAsync(BrokerOptions.DefaultProfileName, device.TransactionId, CancellationToken.None);
        Assert.Equal(CertificateRecords.SerialHex(current.SerialNumberBytes.Span), enrolment?.CertificateSerial);
    }

    [Fact]
    public async Task RenewalReq_SameKeyAndTransactionIdResent_ReturnsSameRenewedCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), device.TransactionId);
        X509Certificate2 renewed = ReplyAssert.Success(renewal, await scep.SendAsync(renewal), scep.Ra).Certificates[0];

        X509Certificate2 identicalResend = ReplyAssert.Success(renewal, await scep.SendAsync(renewal), scep.Ra).Certificates[0];
        ClientMessage newNonce = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), device.TransactionId);
        X509Certificate2 newNonceResend = ReplyAssert.Success(newNonce, await scep.SendAsync(newNonce), scep.Ra).Certificates[0];

        Assert.Equal(renewed.SerialNumber, identicalResend.SerialNumber);
        Assert.Equal(renewed.SerialNumber, newNonceResend.SerialNumber);
        Assert.Equal(2, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task CertPoll_SignedByCertificateBeingRenewed_ReturnsRenewedCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), device.TransactionId);
        X509Certificate2 renewed = ReplyAssert.Success(renewal, await scep.SendAsync(renewal), scep.Ra).Certificates[0];

        byte[] issuerAndSubject = PkiRequest.IssuerAndSubject(scep.CaCertificate.SubjectName, current.SubjectName);
        ClientMessage poll = scep.Client.Write(MessageType.CertPoll, issuerAndSubject, current, device.Key, device.TransactionId);
        X509Certificate2 polled = ReplyAssert.Success(poll, await scep.SendAsync(poll), scep.Ra).Certificates[0];

        Assert.Equal(renewed.SerialNumber, polled.SerialNumber);
    }

    [Fact]
    public async Task RenewalReq_SignerCertificateExpired_FailsWithBadRequest()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.ValidityDays = 1);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        scep.Time.Advance(TimeSpan.FromDays(2));

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), "renew-expired");

        ReplyAssert.Failure(renewal, await scep.SendAsync(renewal), FailInfo.BadRequest, scep.Ra);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task RenewalReq_SignerCertificateRevoked_FailsWithBadRequest()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        await scep.Stores.Certificates.RevokeAsync(CertificateRecords.SerialHex(current.SerialNumberBytes.Span), 1, scep.Time.GetUtcNow(), CancellationToken.None);

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), "renew-revoked");

        ReplyAssert.Failure(renewal, await scep.SendAsync(renewal), FailInfo.BadRequest, scep.Ra);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task RenewalReq_SignerCertificateOfAnotherProfile_FailsWithBadRequest()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        ScepProfile vpn = ScepHarness.NewProfile("vpn", p => p.ChallengePassword = "vpn secret");
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), "renew-other-profile");

        ReplyAssert.Failure(renewal, await scep.SendAsync(renewal, vpn), FailInfo.BadRequest, scep.Ra);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task RenewalReq_ForAnotherSubject_FailsWithBadRequest()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr("CN=ceo-laptop,O=Acme"), "renew-other-subject");

        ReplyAssert.Failure(renewal, await scep.SendAsync(renewal), FailInfo.BadRequest, scep.Ra);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task RenewalReq_SignedBySelfSignedCertificate_FailsWithBadRequestEvenWithChallenge()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);

        ClientMessage renewal = scep.Client.RenewalReq(device.SelfSigned, device.Key, device.Csr(Subject, ScepHarness.Challenge), device.TransactionId);

        ReplyAssert.Failure(renewal, await scep.SendAsync(renewal), FailInfo.BadRequest, scep.Ra);
        Assert.Equal(0, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task RenewalReq_ProfileDisallowsRenewal_FailsWithBadRequest()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.AllowRenewal = false);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), "renew-disallowed");

        ReplyAssert.Failure(renewal, await scep.SendAsync(renewal), FailInfo.BadRequest, scep.Ra);
    }

    [Fact]
    public async Task RenewalReq_BeforeRenewalWindowDays_FailsWithBadRequest()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.RenewalWindowDays = 30);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        scep.Time.Advance(TimeSpan.FromDays(334)); // 31 days left

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), "renew-early");

        ReplyAssert.Failure(renewal, await scep.SendAsync(renewal), FailInfo.BadRequest, scep.Ra);
    }

    [Fact]
    public async Task RenewalReq_InsideRenewalWindowDays_IssuesNewCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.RenewalWindowDays = 30);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        scep.Time.Advance(TimeSpan.FromDays(336)); // 29 days left

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), "renew-in-window");
        X509Certificate2 renewed = ReplyAssert.Success(renewal, await scep.SendAsync(renewal), scep.Ra).Certificates[0];

        Assert.Equal(scep.Time.GetUtcNow().AddDays(365), new DateTimeOffset(renewed.NotAfter.ToUniversalTime()));
    }

    [Fact]
    public async Task RenewalReq_BeforeRenewalWindowPercent_FailsWithBadRequest()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.RenewalWindowPercent = 10); // last 36.5 days
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        scep.Time.Advance(TimeSpan.FromDays(300));

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), "renew-early");

        ReplyAssert.Failure(renewal, await scep.SendAsync(renewal), FailInfo.BadRequest, scep.Ra);
    }

    [Fact]
    public async Task RenewalReq_InsideRenewalWindowPercent_IssuesNewCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.RenewalWindowPercent = 10);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        scep.Time.Advance(TimeSpan.FromDays(330));

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), "renew-in-window");

        ReplyAssert.Success(renewal, await scep.SendAsync(renewal), scep.Ra);
    }

    [Fact]
    public async Task RenewalReq_EitherWindowOpen_IssuesNewCertificate()
    {
        // 60 days left: outside "last 30 days" but inside "last 20 percent" (73 days).
        await using var scep = await ScepHarness.CreateAsync(ca, p =>
        {
            p.RenewalWindowDays = 30;
            p.RenewalWindowPercent = 20;
        });
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        scep.Time.Advance(TimeSpan.FromDays(305));

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, device.Csr(Subject), "renew-either");

        ReplyAssert.Success(renewal, await scep.SendAsync(renewal), scep.Ra);
    }

    [Fact]
    public async Task PkcsReq_SignedByExpiredCertificateWithChallenge_IsIssuedAsFirstEnrolment()
    {
        // A device whose certificate lapsed enrols again the way it first did.
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.ValidityDays = 1);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        scep.Time.Advance(TimeSpan.FromDays(2));

        ClientMessage request = scep.Client.Write(MessageType.PkcsReq, device.Csr(Subject, ScepHarness.Challenge), current, device.Key, "re-enrol");
        X509Certificate2 issued = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];

        Assert.NotEqual(current.SerialNumber, issued.SerialNumber);
    }

    private static async Task<X509Certificate2> EnrolAsync(ScepHarness scep, Device device)
    {
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge));
        return ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];
    }
}

using System.Net;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;

namespace CertBroker.Core.Tests;

/// <summary>First enrolment with PKCSReq: the challenge decides, the profile shapes the certificate.</summary>
public sealed class PkcsReqTests(CaFixture ca) : IClassFixture<CaFixture>
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    [Fact]
    public async Task PkcsReq_CorrectChallenge_IssuesCertificateWithCsrSubjectAndSan()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Extension san = SubjectAlternativeName("printer-7.example.test", IPAddress.Parse("192.0.2.7"));
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=printer-7,OU=Floor 2,O=Acme", ScepHarness.Challenge, san));

        CertRepContent reply = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);

        X509Certificate2 issued = reply.Certificates[0];
        Assert.Equal("CN=printer-7, OU=Floor 2, O=Acme", issued.Subject);
        Assert.Equal(san.RawData, issued.Extensions["2.5.29.17"]!.RawData);
        Assert.Equal(device.Key.ExportSubjectPublicKeyInfo(), issued.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task PkcsReq_ProfileTemplate_SetsKeyUsageExtendedKeyUsageAndValidity()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p =>
        {
            p.ValidityDays = 90;
            p.KeyUsage = [X509KeyUsageFlags.DigitalSignature];
            p.ExtendedKeyUsage = ["ServerAuth", "ClientAuth"];
        });
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=vpn-gw-1", ScepHarness.Challenge));

        X509Certificate2 issued = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];

        var keyUsage = Assert.IsType<X509KeyUsageExtension>(issued.Extensions["2.5.29.15"]);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, keyUsage.KeyUsages);
        Assert.True(keyUsage.Critical);
        var extendedKeyUsage = Assert.IsType<X509EnhancedKeyUsageExtension>(issued.Extensions["2.5.29.37"]);
        Assert.Equal([ServerAuth, ClientAuth], extendedKeyUsage.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        DateTimeOffset now = scep.Time.GetUtcNow();
        Assert.Equal(now.AddDays(90), new DateTimeOffset(issued.NotAfter.ToUniversalTime()));
        Assert.Equal(now - TimeSpan.FromMinutes(5), new DateTimeOffset(issued.NotBefore.ToUniversalTime()));
    }

    [Fact]
    public async Task PkcsReq_DefaultProfile_IssuesClientAuthCertificateForOneYear()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));

        X509Certificate2 issued = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];

        var keyUsage = Assert.IsType<X509KeyUsageExtension>(issued.Extensions["2.5.29.15"]);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, keyUsage.KeyUsages);
        var extendedKeyUsage = Assert.IsType<X509EnhancedKeyUsageExtension>(issued.Extensions["2.5.29.37"]);
        Assert.Equal([ClientAuth], extendedKeyUsage.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value));
        Assert.Equal(scep.Time.GetUtcNow().AddDays(365), new DateTimeOffset(issued.NotAfter.ToUniversalTime()));
        var constraints = Assert.IsType<X509BasicConstraintsExtension>(issued.Extensions["2.5.29.19"]);
        Assert.False(constraints.CertificateAuthority);
    }

    [Fact]
    public async Task PkcsReq_CorrectChallenge_CertificateChainsToTheCa()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));

        X509Certificate2 issued = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(scep.CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = scep.Time.GetUtcNow().UtcDateTime;
        Assert.True(chain.Build(issued), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(scep.CaCertificate.RawData, chain.ChainElements[^1].Certificate.RawData);
    }

    [Fact]
    public async Task PkcsReq_CorrectChallenge_StoresIssuedTransactionAndCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));

        ScepResult result = await scep.SendAsync(request);
        X509Certificate2 issued = ReplyAssert.Success(request, result, scep.Ra).Certificates[0];

        string serial = CertificateRecords.SerialHex(issued.SerialNumberBytes.Span);
        Assert.Equal(serial, result.CertificateSerial);
        EnrolmentTransaction? transaction = await scep.Stores.Enrolments.FindTransactionAsync(BrokerOptions.DefaultProfileName, request.TransactionId, CancellationToken.None);
        Assert.NotNull(transaction);
        Assert.Equal(TransactionState.Issued, transaction.State);
        Assert.Equal(serial, transaction.CertificateSerial);
        Assert.Equal("CN=laptop-12", transaction.Subject);
        Assert.Equal("192.0.2.10", transaction.RequesterAddress);
        CertificateRecord? stored = await scep.Stores.Certificates.FindBySerialAsync(serial, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(issued.RawData, stored.Der);
        Assert.Equal(BrokerOptions.DefaultProfileName, stored.Profile);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_IncludeCaCertificatesTrue_ReplyCarriesCaAfterIssuedCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.IncludeCaCertificates = true);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=router-3", ScepHarness.Challenge));

        CertRepContent reply = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);

        Assert.Equal(2, reply.Certificates.Count);
        Assert.Equal("CN=router-3", reply.Certificates[0].Subject);
        Assert.Equal(scep.CaCertificate.RawData, reply.Certificates[1].RawData);
    }

    [Fact]
    public async Task PkcsReq_IncludeCaCertificatesFalse_ReplyCarriesOnlyIssuedCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.IncludeCaCertificates = false);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=router-3", ScepHarness.Challenge));

        CertRepContent reply = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);

        X509Certificate2 only = Assert.Single(reply.Certificates);
        Assert.Equal("CN=router-3", only.Subject);
    }

    [Fact]
    public async Task PkcsReq_WrongChallenge_FailsWithBadRequestAndIssuesNothing()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", "not the password"));

        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Failure(request, result, FailInfo.BadRequest, scep.Ra);
        Assert.Equal(0, await scep.CountCertificatesAsync());
        EnrolmentTransaction? transaction = await scep.Stores.Enrolments.FindTransactionAsync(BrokerOptions.DefaultProfileName, request.TransactionId, CancellationToken.None);
        Assert.Equal(TransactionState.Failed, transaction?.State);
        Assert.Equal("badRequest", transaction?.FailInfo);
    }

    [Fact]
    public async Task PkcsReq_NoChallenge_FailsWithBadRequest()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", challenge: null));

        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Failure(request, result, FailInfo.BadRequest, scep.Ra);
        Assert.Equal(0, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_ProfileWithoutChallengeConfigured_FailsWithBadRequestWhateverTheCsrCarries()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.ChallengePassword = null);
        using var device = new Device(0);
        ClientMessage withChallenge = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge), "tid-with");
        ClientMessage withoutChallenge = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12"), "tid-without");
        ClientMessage emptyChallenge = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ""), "tid-empty");

        ReplyAssert.Failure(withChallenge, await scep.SendAsync(withChallenge), FailInfo.BadRequest, scep.Ra);
        ReplyAssert.Failure(withoutChallenge, await scep.SendAsync(withoutChallenge), FailInfo.BadRequest, scep.Ra);
        ReplyAssert.Failure(emptyChallenge, await scep.SendAsync(emptyChallenge), FailInfo.BadRequest, scep.Ra);
        Assert.Equal(0, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_ChallengeModeNone_IssuesWithoutChallenge()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p =>
        {
            p.ChallengePassword = null;
            p.Challenge = ChallengeMode.None;
        });
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=kiosk-4"));

        CertRepContent reply = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);

        Assert.Equal("CN=kiosk-4", reply.Certificates[0].Subject);
    }

    [Fact]
    public async Task PkcsReq_ChallengeOfAnotherProfile_FailsWithBadRequest()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        ScepProfile printers = ScepHarness.NewProfile("printers", p => p.ChallengePassword = "printers only");
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", "printers only"));

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadRequest, scep.Ra);
        ClientMessage again = scep.Client.PkcsReq(device, device.Csr("CN=printer-1", "printers only"), "tid-printer");
        ReplyAssert.Success(again, await scep.SendAsync(again, printers), scep.Ra);
    }

    private static X509Extension SubjectAlternativeName(string dnsName, IPAddress address)
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddDnsName(dnsName);
        builder.AddIpAddress(address);
        return builder.Build();
    }
}

using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;

namespace CertBroker.Core.Tests;

/// <summary>One transactionID is one request: re-sends get the same certificate, never a second one.</summary>
public sealed class TransactionTests(CaFixture ca) : IClassFixture<CaFixture>
{
    [Fact]
    public async Task PkcsReq_IdenticalMessageResentAfterSuccess_ReturnsSameCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));

        X509Certificate2 first = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];
        X509Certificate2 second = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];

        Assert.Equal(first.SerialNumber, second.SerialNumber);
        Assert.Equal(first.RawData, second.RawData);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_SameTransactionNewNonceAfterSuccess_ReturnsSameCertificate()
    {
        // certmonger re-sends a new PKCSReq with the same transactionID and a fresh nonce.
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        byte[] csr = device.Csr("CN=laptop-12", ScepHarness.Challenge);
        ClientMessage first = scep.Client.PkcsReq(device, csr);
        ClientMessage resend = scep.Client.PkcsReq(device, csr);

        X509Certificate2 issued = ReplyAssert.Success(first, await scep.SendAsync(first), scep.Ra).Certificates[0];
        X509Certificate2 again = ReplyAssert.Success(resend, await scep.SendAsync(resend), scep.Ra).Certificates[0];

        Assert.Equal(issued.SerialNumber, again.SerialNumber);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_SameTransactionIdWithAnotherKey_FailsWithBadRequestAndKeepsOriginal()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var owner = new Device(0);
        using var intruder = new Device(1);
        ClientMessage original = scep.Client.PkcsReq(owner, owner.Csr("CN=laptop-12", ScepHarness.Challenge), "shared-tid");
        X509Certificate2 issued = ReplyAssert.Success(original, await scep.SendAsync(original), scep.Ra).Certificates[0];
        EnrolmentTransaction before = (await scep.Stores.Enrolments.FindTransactionAsync(BrokerOptions.DefaultProfileName, "shared-tid", CancellationToken.None))!;

        ClientMessage hijack = scep.Client.PkcsReq(intruder, intruder.Csr("CN=laptop-12", ScepHarness.Challenge), "shared-tid");
        ScepResult result = await scep.SendAsync(hijack);

        ReplyAssert.Failure(hijack, result, FailInfo.BadRequest, scep.Ra);
        EnrolmentTransaction after = (await scep.Stores.Enrolments.FindTransactionAsync(BrokerOptions.DefaultProfileName, "shared-tid", CancellationToken.None))!;
        Assert.Equal(TransactionState.Issued, after.State);
        Assert.Equal(before.PublicKeySha256, after.PublicKeySha256);
        Assert.Equal(before.CertificationRequest, after.CertificationRequest);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        Assert.Equal(CertificateRecords.SerialHex(issued.SerialNumberBytes.Span), after.CertificateSerial);
        Assert.Equal(1, await scep.CountCertificatesAsync());

        // The rightful owner still gets its certificate back.
        X509Certificate2 again = ReplyAssert.Success(original, await scep.SendAsync(original), scep.Ra).Certificates[0];
        Assert.Equal(issued.SerialNumber, again.SerialNumber);
    }

    [Fact]
    public async Task PkcsReq_SixteenConcurrentSendsOfOneTransaction_IssueOneCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));

        ScepResult[] results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => scep.SendAsync(request))));

        string[] serials = results.Select(r => ReplyAssert.Success(request, r, scep.Ra).Certificates[0].SerialNumber).Distinct().ToArray();
        Assert.Single(serials);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_SixteenDevicesAtOnce_EachGetsItsOwnCertificateWithUniqueSerial()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage[] requests = Enumerable.Range(0, 16)
            .Select(i => scep.Client.PkcsReq(device, device.Csr($"CN=device-{i:00}", ScepHarness.Challenge), $"tid-{i:00}"))
            .ToArray();

        ScepResult[] results = await Task.WhenAll(requests.Select(r => Task.Run(() => scep.SendAsync(r))));

        X509Certificate2[] issued = requests.Zip(results, (r, result) => ReplyAssert.Success(r, result, scep.Ra).Certificates[0]).ToArray();
        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"CN=device-{i:00}"), issued.Select(c => c.Subject));
        Assert.Equal(16, issued.Select(c => c.SerialNumber).Distinct().Count());
        Assert.Equal(16, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_AfterRefusalWithCorrectChallenge_IssuesOnRetry()
    {
        // A typo in the challenge must not lock the device out of its transactionID.
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        ClientMessage typo = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", "typo"));
        ReplyAssert.Failure(typo, await scep.SendAsync(typo), FailInfo.BadRequest, scep.Ra);

        ClientMessage corrected = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));
        ReplyAssert.Success(corrected, await scep.SendAsync(corrected), scep.Ra);

        EnrolmentTransaction? transaction = await scep.Stores.Enrolments.FindTransactionAsync(BrokerOptions.DefaultProfileName, device.TransactionId, CancellationToken.None);
        Assert.Equal(TransactionState.Issued, transaction?.State);
    }

    [Fact]
    public async Task PkcsReq_SameTransactionIdInAnotherProfile_IsItsOwnTransaction()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        ScepProfile other = ScepHarness.NewProfile("other", p => p.ChallengePassword = ScepHarness.Challenge);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=laptop-12", ScepHarness.Challenge));

        X509Certificate2 inDefault = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];
        X509Certificate2 inOther = ReplyAssert.Success(request, await scep.SendAsync(request, other), scep.Ra).Certificates[0];

        Assert.NotEqual(inDefault.SerialNumber, inOther.SerialNumber);
        Assert.Equal(2, await scep.CountCertificatesAsync());
    }
}

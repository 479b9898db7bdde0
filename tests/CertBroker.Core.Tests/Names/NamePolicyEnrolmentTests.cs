using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Audit;
using CertificateImporter = CertBroker.Core.Inventory.CertificateImporter;
using ImportRefusedException = CertBroker.Core.Inventory.ImportRefusedException;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Names;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;

namespace CertBroker.Core.Tests.Names;

/// <summary>The name policy in the enrolment pipeline: what a static challenge, a renewal or a look-alike can buy.</summary>
public sealed class NamePolicyEnrolmentTests(CaFixture ca) : IClassFixture<CaFixture>
{
    private const string Subject = "CN=laptop-12";

    [Fact]
    public async Task PkcsReq_StaticChallengeAskingForAnAdministratorsUpn_FailsBadRequestAndIssuesNothing()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Extension upn = HandMadeNames.SubjectAltName(w => HandMadeNames.Upn(w, "administrator@corp.example.com"));

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge, upn));
        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Failure(request, result, FailInfo.BadRequest, scep.Ra);
        Assert.Equal(0, await scep.CountCertificatesAsync());
        StoredAuditEvent refused = Assert.Single(await scep.Stores.Audit.ListAsync(new AuditQuery { Action = AuditActions.EnrolmentRejected }, CancellationToken.None));
        Assert.Contains("NAME-TYPE", refused.Event.Details, StringComparison.Ordinal);
        Assert.Contains("UPN:administrator@corp.example.com", refused.Event.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PkcsReq_SubjectAltNameThatIsNotGeneralNames_SignedFailureNotAnError()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        var notGeneralNames = new X509Extension("2.5.29.17", [0x04, 0x03, 0x01, 0x02, 0x03], critical: true);

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge, notGeneralNames));
        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Failure(request, result, FailInfo.BadRequest, scep.Ra);
        Assert.Contains("NAME-FORMAT", result.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_Issued_CarriesNamesInTheBrokersEncodingNotTheRequests()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X500DistinguishedName bmpSubject = HandMadeNames.Subject((HandMadeNames.CommonNameOid, UniversalTagNumber.BMPString, "printer-7"));
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("printer-7.example.com");
        X509Extension requested = sans.Build(critical: true);

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(bmpSubject, ScepHarness.Challenge, requested));
        X509Certificate2 issued = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];

        Assert.Equal(HandMadeNames.Subject((HandMadeNames.CommonNameOid, UniversalTagNumber.PrintableString, "printer-7")).RawData, issued.SubjectName.RawData);
        X509Extension san = issued.Extensions["2.5.29.17"]!;
        Assert.False(san.Critical);
        Assert.Equal("printer-7.example.com", Assert.Single(new X509SubjectAlternativeNameExtension(san.RawData).EnumerateDnsNames()));
    }

    [Fact]
    public async Task PkcsReq_DropProfile_IssuesWithoutTheRefusedNameAndAuditsIt()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.Names = new NamePolicyOptions
        {
            OnViolation = NameViolationAction.Drop,
            DnsSuffixes = ["printers.example.com"],
        });
        using var device = new Device(0);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("p7.printers.example.com");
        sans.AddDnsName("www.bank.example");

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=p7, O=Acme", ScepHarness.Challenge, sans.Build()));
        X509Certificate2 issued = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];

        Assert.Equal("CN=p7", issued.Subject);
        Assert.Equal("p7.printers.example.com", Assert.Single(new X509SubjectAlternativeNameExtension(issued.Extensions["2.5.29.17"]!.RawData).EnumerateDnsNames()));
        StoredAuditEvent audited = Assert.Single(await scep.Stores.Audit.ListAsync(new AuditQuery { Action = AuditActions.EnrolmentIssued }, CancellationToken.None));
        Assert.Contains("NAME-DNS dropped DNS:www.bank.example", audited.Event.Details, StringComparison.Ordinal);
        Assert.Contains("NAME-TYPE dropped O=Acme", audited.Event.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenewalReq_AddingASubjectAltName_Refused()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        using var rekeyed = new Device(1);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("intranet.example.com");

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, rekeyed.Csr(Subject, null, sans.Build()), rekeyed.TransactionId);
        ScepResult result = await scep.SendAsync(renewal);

        ReplyAssert.Failure(renewal, result, FailInfo.BadRequest, scep.Ra);
        Assert.Contains("names asked for differ", result.Reason, StringComparison.Ordinal);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task RenewalReq_ProfileAllowsNameChanges_IssuesTheNewNamesIfThePolicyAllowsThem()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, p => p.Names = new NamePolicyOptions { AllowChangeOnRenewal = true, DnsSuffixes = ["example.com"] });
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        using var rekeyed = new Device(1);
        using var third = new Device(2);
        var inside = new SubjectAlternativeNameBuilder();
        inside.AddDnsName("laptop-12.example.com");
        var outside = new SubjectAlternativeNameBuilder();
        outside.AddDnsName("laptop-12.example.org");

        ClientMessage refused = scep.Client.RenewalReq(current, device.Key, third.Csr(Subject, null, outside.Build()), third.TransactionId);
        ReplyAssert.Failure(refused, await scep.SendAsync(refused), FailInfo.BadRequest, scep.Ra);
        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, rekeyed.Csr(Subject, null, inside.Build()), rekeyed.TransactionId);
        X509Certificate2 renewed = ReplyAssert.Success(renewal, await scep.SendAsync(renewal), scep.Ra).Certificates[0];

        Assert.Equal("laptop-12.example.com", Assert.Single(new X509SubjectAlternativeNameExtension(renewed.Extensions["2.5.29.17"]!.RawData).EnumerateDnsNames()));
    }

    [Fact]
    public async Task RenewalReq_SignedByAnAlreadyRenewedCertificate_RefusedButItsOwnResendAnswered()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 first = await EnrolAsync(scep, device);
        using var second = new Device(1);
        ClientMessage renewal = scep.Client.RenewalReq(first, device.Key, second.Csr(Subject), second.TransactionId);
        X509Certificate2 renewed = ReplyAssert.Success(renewal, await scep.SendAsync(renewal), scep.Ra).Certificates[0];

        using var third = new Device(2);
        ClientMessage again = scep.Client.RenewalReq(first, device.Key, third.Csr(Subject), third.TransactionId);
        ScepResult refused = await scep.SendAsync(again);
        ClientMessage lostReply = scep.Client.RenewalReq(first, device.Key, second.Csr(Subject), second.TransactionId);
        X509Certificate2 resent = ReplyAssert.Success(lostReply, await scep.SendAsync(lostReply), scep.Ra).Certificates[0];

        ReplyAssert.Failure(again, refused, FailInfo.BadRequest, scep.Ra);
        Assert.Contains("already renewed", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(renewed.SerialNumber, resent.SerialNumber);
        Assert.Equal(2, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task RenewalReq_TwoAtOnceFromOneCertificate_OnlyOneIssued()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolAsync(scep, device);
        using var first = new Device(1);
        using var second = new Device(2);
        ClientMessage a = scep.Client.RenewalReq(current, device.Key, first.Csr(Subject), first.TransactionId);
        ClientMessage b = scep.Client.RenewalReq(current, device.Key, second.Csr(Subject), second.TransactionId);

        ScepResult[] results = await Task.WhenAll(scep.SendAsync(a), scep.SendAsync(b));

        Assert.Single(results, r => r.Status == PkiStatus.Success);
        Assert.Single(results, r => r.Status == PkiStatus.Failure);
        Assert.Equal(2, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task RenewalReq_SignedByAGenuineCertificateThatWasImported_Refused()
    {
        // Signed by our CA, but it reached this broker's inventory through an import: inventory, not a credential.
        await using var issuing = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 genuine = await EnrolAsync(issuing, device);
        await using var scep = await ScepHarness.CreateAsync(ca);
        var importer = new CertificateImporter(scep.Stores.Policy, scep.Policy, scep.Time, scep.Audit);
        await importer.ImportAsync([genuine.RawData], scep.Profile, ca.Material.CaChain, Admin(scep), CancellationToken.None);
        using var rekeyed = new Device(1);

        ClientMessage renewal = scep.Client.RenewalReq(genuine, device.Key, rekeyed.Csr(Subject), rekeyed.TransactionId);
        ScepResult result = await scep.SendAsync(renewal);

        ReplyAssert.Failure(renewal, result, FailInfo.BadRequest, scep.Ra);
        Assert.Contains("imported", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PkcsReq_MicrosoftNameValuePairs_Refused()
    {
        // "SAN:upn=administrator@corp" in a name/value pair attribute is how AD CS's ESC6 is asked for.
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        var value = new AsnWriter(AsnEncodingRules.DER);
        using (value.PushSequence())
        {
            value.WriteCharacterString(UniversalTagNumber.BMPString, "SAN");
            value.WriteCharacterString(UniversalTagNumber.BMPString, "upn=administrator@corp.example.com");
        }

        byte[] csr = device.Csr(Subject, ScepHarness.Challenge, extraAttribute: new AsnEncodedData("1.3.6.1.4.1.311.13.2.1", value.Encode()));
        ClientMessage request = scep.Client.PkcsReq(device, csr);
        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Failure(request, result, FailInfo.BadRequest, scep.Ra);
        Assert.Contains("1.3.6.1.4.1.311.13.2.1", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenewalReq_SignedByAnImportedLookAlikeOfOurCa_Refused()
    {
        // Its issuer name is our CA's and it is in the inventory, but our CA never signed it.
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        using X509Certificate2 lookAlike = LookAlike(device.Key, scep.Time.GetUtcNow());
        var importer = new CertificateImporter(scep.Stores.Policy, scep.Policy, scep.Time, scep.Audit);
        await importer.ImportAsync([lookAlike.RawData], scep.Profile, [], Admin(scep), CancellationToken.None);
        using var rekeyed = new Device(1);

        ClientMessage renewal = scep.Client.RenewalReq(lookAlike, device.Key, rekeyed.Csr(Subject), rekeyed.TransactionId);
        ScepResult result = await scep.SendAsync(renewal);

        ReplyAssert.Failure(renewal, result, FailInfo.BadRequest, scep.Ra);
        Assert.Contains("not signed by a certificate this CA issued", result.Reason, StringComparison.Ordinal);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task ImportAsync_LookAlikeOfTheProfilesCa_RefusedAndAudited()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        using X509Certificate2 lookAlike = LookAlike(device.Key, scep.Time.GetUtcNow());
        var importer = new CertificateImporter(scep.Stores.Policy, scep.Policy, scep.Time, scep.Audit);

        await Assert.ThrowsAsync<ImportRefusedException>(() =>
            importer.ImportAsync([lookAlike.RawData], scep.Profile, ca.Material.CaChain, Admin(scep), CancellationToken.None));

        Assert.Equal(0, await scep.CountCertificatesAsync());
        StoredAuditEvent audited = Assert.Single(await scep.Stores.Audit.ListAsync(new AuditQuery { Action = AuditActions.CertificateImported }, CancellationToken.None));
        Assert.Equal(AuditOutcome.Failure, audited.Event.Outcome);
    }

    [Fact]
    public async Task ImportAsync_CertificateOurCaDidSign_Imported()
    {
        await using var scep = await ScepHarness.CreateAsync(ca);
        using var device = new Device(0);
        X509Certificate2 issued = await EnrolAsync(scep, device);
        await using var other = await ScepHarness.CreateAsync(ca);
        var importer = new CertificateImporter(other.Stores.Policy, other.Policy, other.Time, other.Audit);

        var outcomes = await importer.ImportAsync([issued.RawData], other.Profile, ca.Material.CaChain, Admin(other), CancellationToken.None);

        Assert.False(Assert.Single(outcomes).AlreadyPresent);
    }

    private X509Certificate2 LookAlike(RSA subjectKey, DateTimeOffset now)
    {
        using RSA forger = RSA.Create(2048);
        var request = new CertificateRequest(Subject, subjectKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.Create(ca.Material.CaCertificate.SubjectName, X509SignatureGenerator.CreateForRSA(forger, RSASignaturePadding.Pkcs1), now.AddDays(-1), now.AddDays(30), [1, 2, 3, 4]);
    }

    private static AuditEvent Admin(ScepHarness scep) => new()
    {
        Time = scep.Time.GetUtcNow(),
        Action = "",
        Outcome = AuditOutcome.Success,
        Actor = "admin",
    };

    private static async Task<X509Certificate2> EnrolAsync(ScepHarness scep, Device device)
    {
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge));
        return ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];
    }
}

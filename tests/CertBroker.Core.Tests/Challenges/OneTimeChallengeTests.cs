using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Profiles;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;
using Microsoft.Data.Sqlite;

namespace CertBroker.Core.Tests.Challenges;

/// <summary>One-time passwords through the whole pipeline: single use, expiry, profile, binding and the cap, on a fake clock.</summary>
public sealed class OneTimeChallengeTests(CaFixture ca) : IClassFixture<CaFixture>
{
    [Fact]
    public async Task PkcsReq_OneTimePassword_IssuesOnceAndRefusesAnotherTransaction()
    {
        await using var scep = await OneTimeHarnessAsync();
        string password = await IssueAsync(scep);
        using var first = new Device(0);
        using var second = new Device(1);

        ClientMessage firstRequest = scep.Client.PkcsReq(first, first.Csr("CN=printer-1", password));
        ReplyAssert.Success(firstRequest, await scep.SendAsync(firstRequest), scep.Ra);
        ClientMessage secondRequest = scep.Client.PkcsReq(second, second.Csr("CN=printer-2", password));
        ScepResult refused = await scep.SendAsync(secondRequest);

        ReplyAssert.Failure(secondRequest, refused, FailInfo.BadRequest, scep.Ra);
        Assert.Contains("already used", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(1, await scep.CountCertificatesAsync());
        IReadOnlyList<StoredAuditEvent> events = await scep.Stores.Audit.ListAsync(new AuditQuery { Action = "challenge." }, CancellationToken.None);
        Assert.Equal(
            [AuditActions.ChallengeIssued, AuditActions.ChallengeUsed, AuditActions.ChallengeFailed],
            events.Select(e => e.Event.Action));
        Assert.Contains(first.TransactionId, events[1].Event.Details, StringComparison.Ordinal);
        Assert.All(events, e => Assert.DoesNotContain(password, e.Event.Details ?? "", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task PkcsReq_SameTransactionResentAfterLostReply_GetsTheSameCertificate()
    {
        await using var scep = await OneTimeHarnessAsync();
        string password = await IssueAsync(scep);
        using var device = new Device(0);
        byte[] csr = device.Csr("CN=printer-1", password);

        ClientMessage request = scep.Client.PkcsReq(device, csr);
        var issued = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];
        ClientMessage resent = scep.Client.PkcsReq(device, csr);
        var again = ReplyAssert.Success(resent, await scep.SendAsync(resent), scep.Ra).Certificates[0];

        Assert.Equal(issued.SerialNumber, again.SerialNumber);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_ManualProfile_PasswordUsedWhenQueuedThenResentAndApprovedPastExpiry()
    {
        await using var scep = await OneTimeHarnessAsync(p => p.Approval = ApprovalMode.Manual);
        string password = await IssueAsync(scep);
        using var device = new Device(0);
        using var other = new Device(1);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=printer-1", password));

        ReplyAssert.Pending(request, await scep.SendAsync(request), scep.Ra);
        scep.Time.Advance(TimeSpan.FromHours(2));
        ClientMessage resent = scep.Client.PkcsReq(device, device.Csr("CN=printer-1", password));
        ReplyAssert.Pending(resent, await scep.SendAsync(resent), scep.Ra);
        ClientMessage stolen = scep.Client.PkcsReq(other, other.Csr("CN=printer-2", password));
        ReplyAssert.Failure(stolen, await scep.SendAsync(stolen), FailInfo.BadRequest, scep.Ra);
        long id = Assert.Single(await scep.Stores.Approvals.ListRequestsAsync(new RequestQuery { Status = RequestStatus.Pending }, CancellationToken.None)).Id;
        QueueDecision approved = await scep.Queue.ApproveAsync(id, new Decider("admin", null), CancellationToken.None);

        Assert.Equal(QueueDecisionOutcome.Done, approved.Outcome);
        OneTimeChallenge? stored = await scep.Stores.Challenges.FindByPasswordHashAsync(OneTimeChallenge.HashOf(password), CancellationToken.None);
        Assert.Equal(device.TransactionId, stored?.ConsumedTransaction);
        Assert.Single(await scep.Stores.Audit.ListAsync(new AuditQuery { Action = AuditActions.ChallengeUsed }, CancellationToken.None));
        Assert.NotNull(await scep.Stores.Devices.FindByIdentityAsync(new Core.Model.DeviceIdentity(Core.Model.DeviceIdentityKind.SubjectCn, "printer-1"), CancellationToken.None));
    }

    [Fact]
    public async Task PkcsReq_PasswordPastItsLifetime_Refused()
    {
        await using var scep = await OneTimeHarnessAsync(p => p.ChallengeLifetimeMinutes = 60);
        string password = await IssueAsync(scep);
        scep.Time.Advance(TimeSpan.FromMinutes(60));
        using var device = new Device(0);

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=printer-1", password));
        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Failure(request, result, FailInfo.BadRequest, scep.Ra);
        Assert.Contains("expired", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PkcsReq_PasswordJustBeforeExpiry_Issued()
    {
        await using var scep = await OneTimeHarnessAsync(p => p.ChallengeLifetimeMinutes = 60);
        string password = await IssueAsync(scep);
        scep.Time.Advance(TimeSpan.FromMinutes(59));
        using var device = new Device(0);

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=printer-1", password));

        ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);
    }

    [Fact]
    public async Task PkcsReq_PasswordOfAnotherProfile_Refused()
    {
        await using var scep = await OneTimeHarnessAsync();
        ScepProfile other = ScepHarness.NewProfile("routers", p =>
        {
            p.ChallengePassword = null;
            p.Challenge = ChallengeMode.OneTime;
        });
        string password = await IssueAsync(scep, other);
        using var device = new Device(0);

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=printer-1", password));
        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Failure(request, result, FailInfo.BadRequest, scep.Ra);
        Assert.Contains("belongs to profile routers", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChallengeBindingKind.CommonName, "PRINTER-1", "CN=printer-1")]
    [InlineData(ChallengeBindingKind.SerialNumber, "XK-2231", MfdSubject)]
    [InlineData(ChallengeBindingKind.MacAddress, "00-1A-2B-3C-4D-5E", MfdSubject)]
    public async Task PkcsReq_BindingTheCsrCarries_Issued(ChallengeBindingKind kind, string value, string subject)
    {
        await using var scep = await OneTimeHarnessAsync();
        string password = await IssueAsync(scep, binding: ChallengeBinding.Create(kind, value, out _));
        using var device = new Device(0);

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(subject, password));

        ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);
    }

    [Theory]
    [InlineData(ChallengeBindingKind.CommonName, "printer-2")]
    [InlineData(ChallengeBindingKind.SerialNumber, "XK-9999")]
    [InlineData(ChallengeBindingKind.MacAddress, "00:1a:2b:3c:4d:5f")]
    [InlineData(ChallengeBindingKind.San, "printer-1.example.test")]
    public async Task PkcsReq_BindingTheCsrLacks_RefusedAndPasswordStaysUsable(ChallengeBindingKind kind, string value)
    {
        await using var scep = await OneTimeHarnessAsync();
        string password = await IssueAsync(scep, binding: ChallengeBinding.Create(kind, value, out _));
        using var device = new Device(0);

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(MfdSubject, password));
        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Failure(request, result, FailInfo.BadRequest, scep.Ra);
        Assert.Contains("is bound to", result.Reason, StringComparison.Ordinal);
        OneTimeChallenge? stored = await scep.Stores.Challenges.FindByPasswordHashAsync(OneTimeChallenge.HashOf(password), CancellationToken.None);
        Assert.Null(stored?.ConsumedAt);
    }

    [Theory]
    [InlineData(ChallengeBindingKind.CommonName, "printer-1", "ceo-laptop.example.test")]
    [InlineData(ChallengeBindingKind.CommonName, "printer-1", "printer-2")]
    [InlineData(ChallengeBindingKind.San, "printer-1", "printer-1.example.test")]
    public async Task PkcsReq_BoundPasswordWithAnExtraName_Refused(ChallengeBindingKind kind, string value, string extraSan)
    {
        // The binding names one device: a SAN beside the bound name would ride along on the device's password.
        await using var scep = await OneTimeHarnessAsync();
        string password = await IssueAsync(scep, binding: ChallengeBinding.Create(kind, value, out _));
        using var device = new Device(0);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("printer-1");
        sans.AddDnsName(extraSan);

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=printer-1", password, sans.Build()));
        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Failure(request, result, FailInfo.BadRequest, scep.Ra);
        Assert.Contains($"also names {extraSan}", result.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_NameBoundPasswordWithAnotherSerialNumberInTheSubject_Refused()
    {
        await using var scep = await OneTimeHarnessAsync();
        string password = await IssueAsync(scep, binding: ChallengeBinding.Create(ChallengeBindingKind.CommonName, "printer-1", out _));
        using var device = new Device(0);

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(MfdSubject, password));
        ScepResult result = await scep.SendAsync(request);

        ReplyAssert.Failure(request, result, FailInfo.BadRequest, scep.Ra);
        Assert.Contains("also names", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PkcsReq_BoundPasswordWhoseNamesAllAreTheBoundName_Issued()
    {
        await using var scep = await OneTimeHarnessAsync();
        string password = await IssueAsync(scep, binding: ChallengeBinding.Create(ChallengeBindingKind.San, "printer-1.example.test", out _));
        using var device = new Device(0);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName("printer-1.example.test");

        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=printer-1.example.test", password, sans.Build()));

        ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);
    }

    [Fact]
    public async Task Issue_CapReached_RefusesUntilOneExpires()
    {
        await using var scep = await OneTimeHarnessAsync(p =>
        {
            p.MaxOutstandingChallenges = 2;
            p.ChallengeLifetimeMinutes = 10;
        });
        await IssueAsync(scep);
        scep.Time.Advance(TimeSpan.FromMinutes(5));
        await IssueAsync(scep);

        ChallengeIssue refused = await scep.Challenges.IssueAsync(scep.Profile, null, null, Admin(scep), CancellationToken.None);
        scep.Time.Advance(TimeSpan.FromMinutes(5));
        ChallengeIssue afterExpiry = await scep.Challenges.IssueAsync(scep.Profile, null, null, Admin(scep), CancellationToken.None);

        Assert.True(refused.CapReached);
        Assert.Null(refused.Password);
        Assert.False(afterExpiry.CapReached);
        IReadOnlyList<StoredAuditEvent> issued = await scep.Stores.Audit.ListAsync(new AuditQuery { Action = AuditActions.ChallengeIssued }, CancellationToken.None);
        Assert.Equal([AuditOutcome.Success, AuditOutcome.Success, AuditOutcome.Failure, AuditOutcome.Success], issued.Select(e => e.Event.Outcome));
    }

    [Fact]
    public async Task Issue_UsedPasswordsDoNotCountAgainstTheCap()
    {
        await using var scep = await OneTimeHarnessAsync(p => p.MaxOutstandingChallenges = 1);
        string password = await IssueAsync(scep);
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=printer-1", password));
        ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra);

        ChallengeIssue next = await scep.Challenges.IssueAsync(scep.Profile, null, null, Admin(scep), CancellationToken.None);

        Assert.False(next.CapReached);
    }

    [Fact]
    public async Task Issue_StoresOnlyTheHash()
    {
        await using var scep = await OneTimeHarnessAsync();
        string password = await IssueAsync(scep);

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = scep.DatabaseFile, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT password_sha256 FROM challenges";
        string stored = (string)(await command.ExecuteScalarAsync())!;

        Assert.Matches("^[0-9A-F]{16}$", password);
        Assert.Equal(OneTimeChallenge.HashOf(password), stored);
        Assert.DoesNotContain(password, stored, StringComparison.OrdinalIgnoreCase);
    }

    private const string MfdSubject = "CN=printer-1, OID.2.5.4.5=XK-2231, OID.1.2.840.113549.1.9.8=00:1a:2b:3c:4d:5e";

    private Task<ScepHarness> OneTimeHarnessAsync(Action<ProfileOptions>? configure = null) =>
        ScepHarness.CreateAsync(ca, p =>
        {
            p.ChallengePassword = null;
            p.Challenge = ChallengeMode.OneTime;
            configure?.Invoke(p);
        });

    private static async Task<string> IssueAsync(ScepHarness scep, ScepProfile? profile = null, ChallengeBinding? binding = null)
    {
        ChallengeIssue issue = await scep.Challenges.IssueAsync(profile ?? scep.Profile, binding, null, Admin(scep), CancellationToken.None);
        Assert.False(issue.CapReached);
        return issue.Password!;
    }

    private static AuditEvent Admin(ScepHarness scep) => new()
    {
        Time = scep.Time.GetUtcNow(),
        Action = "",
        Outcome = AuditOutcome.Success,
        Actor = "admin",
        SourceAddress = "198.51.100.1",
    };
}

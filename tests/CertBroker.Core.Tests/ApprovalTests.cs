using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;
using CertBroker.Scep.Cms;

namespace CertBroker.Core.Tests;

/// <summary>
/// Manual approval end to end in the pipeline: PENDING (RFC 8894 §3.3.2), polls and re-sends while pending, then
/// SUCCESS after approval or FAILURE after rejection or expiry, one certificate per transaction throughout.
/// </summary>
public sealed class ApprovalTests(CaFixture ca) : IClassFixture<CaFixture>
{
    private const string Subject = "CN=printer-7,O=Acme";
    private static readonly Decider Admin = new("admin", "198.51.100.4");

    [Fact]
    public async Task PkcsReq_ManualProfile_AnswersPendingAndRecordsWhatTheAdminNeeds()
    {
        await using var scep = await ManualAsync();
        scep.Devices.DeviceId = 17;
        using var device = new Device(0);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("printer-7.acme.example");
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge, san.Build()), cipher: ContentEncryptionAlgorithm.DesCbc, digest: HashAlgorithmName.SHA1);

        ReplyAssert.Pending(request, await scep.SendAsync(request), scep.Ra);

        EnrolmentTransaction queued = Assert.Single(await scep.Stores.Approvals.ListRequestsAsync(new RequestQuery { Status = RequestStatus.Pending }, CancellationToken.None));
        Assert.Equal(device.TransactionId, queued.TransactionId);
        Assert.Equal("CN=printer-7, O=Acme", queued.Subject);
        Assert.Equal(["DNS:printer-7.acme.example"], queued.SubjectAlternativeNames);
        Assert.Equal(("RSA", 2048), (queued.KeyAlgorithm, queued.KeySize));
        Assert.Equal("192.0.2.10", queued.RequesterAddress);
        Assert.Equal(("DES-CBC", "SHA-1"), (queued.ContentEncryptionAlgorithm, queued.DigestAlgorithm));
        Assert.Equal("Static", queued.ChallengeMode);
        Assert.Equal(
            [
                "WC-RSA-02 INFO: RSA key 2048 bits < 3000 (BSI TR-02102-1; deprecated after 2030)",
                "WC-CMS-01 FAIL: SCEP request encrypted with DES-CBC",
                "WC-CMS-03 WARN: SCEP message digest SHA-1",
            ],
            queued.Findings);
        Assert.Equal(17, queued.DeviceId);
        Assert.Equal(scep.Time.GetUtcNow().AddDays(7), queued.ExpiresAt);
        Assert.Equal(0, await scep.CountCertificatesAsync());
        AuditEvent pending = Assert.Single(scep.Forwarded.Events);
        Assert.Equal((AuditActions.EnrolmentPending, "device", device.TransactionId), (pending.Action, pending.Actor, pending.Target));
        Assert.DoesNotContain(ScepHarness.Challenge, pending.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PkcsReq_ManualProfileWrongChallenge_FailsAndIsNotQueued()
    {
        await using var scep = await ManualAsync();
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, "wrong"));

        ReplyAssert.Failure(request, await scep.SendAsync(request), FailInfo.BadRequest, scep.Ra);

        Assert.Empty(await scep.Stores.Approvals.ListRequestsAsync(new RequestQuery(), CancellationToken.None));
        Assert.Equal([AuditActions.ChallengeFailed, AuditActions.EnrolmentRejected], scep.Forwarded.Events.Select(e => e.Action));
    }

    [Fact]
    public async Task PollAndResend_WhilePending_AnswerPendingWithoutIssuing()
    {
        await using var scep = await ManualAsync();
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge));
        await scep.SendAsync(request);

        ReplyAssert.Pending(request, await scep.SendAsync(request), scep.Ra);
        ClientMessage newNonce = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge));
        ReplyAssert.Pending(newNonce, await scep.SendAsync(newNonce), scep.Ra);
        ClientMessage poll = Poll(scep, device);
        ReplyAssert.Pending(poll, await scep.SendAsync(poll), scep.Ra);

        Assert.Equal(0, await scep.CountCertificatesAsync());
        Assert.Single(scep.Forwarded.Events);
    }

    [Fact]
    public async Task Approve_ThenPollAndResend_ReturnTheCertificateIssuedAtApproval()
    {
        await using var scep = await ManualAsync();
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge));
        await scep.SendAsync(request);
        long id = await PendingIdAsync(scep);

        QueueDecision decision = await scep.Queue.ApproveAsync(id, Admin, CancellationToken.None);

        Assert.Equal(QueueDecisionOutcome.Done, decision.Outcome);
        Assert.Equal((TransactionState.Issued, RequestDecision.Approved, "admin"), (decision.Request!.State, decision.Request.Decision, decision.Request.DecidedBy));
        Assert.Equal(1, await scep.CountCertificatesAsync());
        ClientMessage poll = Poll(scep, device);
        X509Certificate2 polled = ReplyAssert.Success(poll, await scep.SendAsync(poll), scep.Ra).Certificates[0];
        X509Certificate2 resent = ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];
        Assert.Equal(decision.Request.CertificateSerial, CertificateRecords.SerialHex(polled.SerialNumberBytes.Span));
        Assert.Equal(polled.RawData, resent.RawData);
        Assert.Equal(device.Key.ExportSubjectPublicKeyInfo(), polled.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(1, await scep.CountCertificatesAsync());
        AuditEvent approved = scep.Forwarded.Events[^1];
        Assert.Equal((AuditActions.RequestApproved, "admin", "198.51.100.4", id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (approved.Action, approved.Actor, approved.SourceAddress, approved.Target));
    }

    [Fact]
    public async Task Approve_WeakRequest_StoresItsFindingsWithTheCertificate()
    {
        await using var scep = await ManualAsync();
        using var device = new Device(1);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge), cipher: ContentEncryptionAlgorithm.DesEde3Cbc);
        await scep.SendAsync(request);

        QueueDecision decision = await scep.Queue.ApproveAsync(await PendingIdAsync(scep), Admin, CancellationToken.None);

        CertificateRecord issued = (await scep.Stores.Certificates.FindBySerialAsync(decision.Request!.CertificateSerial!, CancellationToken.None))!;
        Assert.Equal(["WC-CMS-02", "WC-RSA-02"], issued.Findings!.Select(f => f.RuleId));
    }

    [Fact]
    public async Task Reject_ThenPollAndResend_FailWithBadRequest()
    {
        await using var scep = await ManualAsync();
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge));
        await scep.SendAsync(request);
        long id = await PendingIdAsync(scep);

        QueueDecision decision = await scep.Queue.RejectAsync(id, "Not one of our printers.", Admin, CancellationToken.None);

        Assert.Equal(QueueDecisionOutcome.Done, decision.Outcome);
        Assert.Equal((RequestDecision.Rejected, "Not one of our printers."), (decision.Request!.Decision, decision.Request.DecisionReason));
        ClientMessage poll = Poll(scep, device);
        ReplyAssert.Failure(poll, await scep.SendAsync(poll), FailInfo.BadRequest, scep.Ra);
        ClientMessage newNonce = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge));
        ReplyAssert.Failure(newNonce, await scep.SendAsync(newNonce), FailInfo.BadRequest, scep.Ra);
        Assert.Equal(0, await scep.CountCertificatesAsync());
        Assert.Equal(AuditActions.RequestRejected, scep.Forwarded.Events[^1].Action);
        Assert.Contains("Not one of our printers.", scep.Forwarded.Events[^1].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decisions_OnSettledOrUnknownRequests_AreConflictsOrNotFound()
    {
        await using var scep = await ManualAsync();
        using var device = new Device(0);
        await scep.SendAsync(scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge)));
        long id = await PendingIdAsync(scep);
        await scep.Queue.RejectAsync(id, "No.", Admin, CancellationToken.None);

        QueueDecision approveRejected = await scep.Queue.ApproveAsync(id, Admin, CancellationToken.None);
        QueueDecision rejectAgain = await scep.Queue.RejectAsync(id, "Still no.", Admin, CancellationToken.None);
        QueueDecision unknown = await scep.Queue.ApproveAsync(id + 1000, Admin, CancellationToken.None);

        Assert.Equal(QueueDecisionOutcome.Conflict, approveRejected.Outcome);
        Assert.Contains("rejected", approveRejected.Problem, StringComparison.Ordinal);
        Assert.Equal(QueueDecisionOutcome.Conflict, rejectAgain.Outcome);
        Assert.Equal("No.", rejectAgain.Request!.DecisionReason);
        Assert.Equal(QueueDecisionOutcome.NotFound, unknown.Outcome);
        Assert.Equal(0, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task ApproveAsync_ProfileNoLongerConfigured_IsConflictAndIssuesNothing()
    {
        await using var scep = await ManualAsync();
        ScepProfile removed = ScepHarness.NewProfile("removed-later", p => p.Approval = ApprovalMode.Manual);
        using var device = new Device(0);
        await scep.SendAsync(scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge)), removed);

        QueueDecision decision = await scep.Queue.ApproveAsync(await PendingIdAsync(scep), Admin, CancellationToken.None);

        Assert.Equal(QueueDecisionOutcome.Conflict, decision.Outcome);
        Assert.Contains("no longer configured", decision.Problem, StringComparison.Ordinal);
        Assert.Equal(TransactionState.Pending, decision.Request!.State);
        Assert.Equal(0, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task ApproveAsync_TwoAdminsAtOnce_IssuesOneCertificate()
    {
        await using var scep = await ManualAsync();
        using var device = new Device(0);
        await scep.SendAsync(scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge)));
        long id = await PendingIdAsync(scep);

        QueueDecision[] decisions = await Task.WhenAll(
            Task.Run(() => scep.Queue.ApproveAsync(id, Admin, CancellationToken.None)),
            Task.Run(() => scep.Queue.ApproveAsync(id, new Decider("second-admin", null), CancellationToken.None)));

        Assert.Single(decisions, d => d.Outcome == QueueDecisionOutcome.Done);
        Assert.Single(decisions, d => d.Outcome == QueueDecisionOutcome.Conflict);
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task ExpireDueAsync_AfterPendingExpiryDays_FailsTheRequestAsSystem()
    {
        await using var scep = await ManualAsync(p => p.PendingExpiryDays = 2);
        using var device = new Device(0);
        await scep.SendAsync(scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge)));

        scep.Time.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await scep.Queue.ExpireDueAsync(CancellationToken.None));
        scep.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await scep.Queue.ExpireDueAsync(CancellationToken.None));

        EnrolmentTransaction expired = Assert.Single(await scep.Stores.Approvals.ListRequestsAsync(new RequestQuery { Status = RequestStatus.Expired }, CancellationToken.None));
        Assert.Equal(("system", scep.Time.GetUtcNow()), (expired.DecidedBy, expired.DecidedAt));
        AuditEvent audited = scep.Forwarded.Events[^1];
        Assert.Equal((AuditActions.RequestExpired, "system"), (audited.Action, audited.Actor));
        ClientMessage poll = Poll(scep, device);
        ReplyAssert.Failure(poll, await scep.SendAsync(poll), FailInfo.BadRequest, scep.Ra);
        Assert.Equal(QueueDecisionOutcome.Conflict, (await scep.Queue.ApproveAsync(expired.Id, Admin, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task PollAndResend_PastExpiryBeforeTheSweep_FailAndRecordTheExpiry()
    {
        await using var scep = await ManualAsync();
        using var device = new Device(0);
        using var other = new Device(1);
        await scep.SendAsync(scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge)));
        await scep.SendAsync(scep.Client.PkcsReq(other, other.Csr("CN=printer-8", ScepHarness.Challenge)));
        scep.Time.Advance(TimeSpan.FromDays(7));

        ClientMessage poll = Poll(scep, device);
        ReplyAssert.Failure(poll, await scep.SendAsync(poll), FailInfo.BadRequest, scep.Ra);
        ClientMessage resend = scep.Client.PkcsReq(other, other.Csr("CN=printer-8", ScepHarness.Challenge));
        ReplyAssert.Failure(resend, await scep.SendAsync(resend), FailInfo.BadRequest, scep.Ra);

        Assert.Equal(2, (await scep.Stores.Approvals.ListRequestsAsync(new RequestQuery { Status = RequestStatus.Expired }, CancellationToken.None)).Count);
        Assert.Equal(2, scep.Forwarded.Events.Count(e => e.Action == AuditActions.RequestExpired));
        Assert.Equal(0, await scep.Queue.ExpireDueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RenewalReq_ManualProfileWithRenewalSkipsApproval_IssuesAtOnce()
    {
        await using var scep = await ManualAsync();
        using var device = new Device(0);
        X509Certificate2 current = await EnrolThroughQueueAsync(scep, device);
        using var rekeyed = new Device(1);

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, rekeyed.Csr(Subject), rekeyed.TransactionId);

        ReplyAssert.Success(renewal, await scep.SendAsync(renewal), scep.Ra);
        Assert.Equal(2, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task RenewalReq_ManualProfileWithoutRenewalSkip_IsQueuedAndItsApprovalSupersedesTheRenewedCertificate()
    {
        await using var scep = await ManualAsync(p => p.RenewalSkipsApproval = false);
        using var device = new Device(0);
        X509Certificate2 current = await EnrolThroughQueueAsync(scep, device);
        using var rekeyed = new Device(1);

        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, rekeyed.Csr(Subject), rekeyed.TransactionId);

        ReplyAssert.Pending(renewal, await scep.SendAsync(renewal), scep.Ra);
        EnrolmentTransaction queued = Assert.Single(await scep.Stores.Approvals.ListRequestsAsync(new RequestQuery { Status = RequestStatus.Pending }, CancellationToken.None));
        Assert.Equal("Renewal", queued.ChallengeMode);
        Assert.Equal(1, await scep.CountCertificatesAsync());

        QueueDecision decision = await scep.Queue.ApproveAsync(queued.Id, Admin, CancellationToken.None);

        Assert.Equal(QueueDecisionOutcome.Done, decision.Outcome);
        string renewedSerial = decision.Request!.CertificateSerial!;
        CertificateRecord old = (await scep.Stores.Certificates.FindBySerialAsync(CertificateRecords.SerialHex(current.SerialNumberBytes.Span), CancellationToken.None))!;
        Assert.Equal((RenewalState.Superseded, renewedSerial), (old.RenewalState, old.SupersededBy));
        Assert.Equal(RenewalState.Valid, (await scep.Stores.Certificates.FindBySerialAsync(renewedSerial, CancellationToken.None))!.RenewalState);
        X509Certificate2 issued = ReplyAssert.Success(renewal, await scep.SendAsync(renewal), scep.Ra).Certificates[0];
        Assert.Equal(renewedSerial, CertificateRecords.SerialHex(issued.SerialNumberBytes.Span));
    }

    [Fact]
    public async Task PkcsReq_ChallengeNoneWithManual_IsQueuedWithoutChallenge()
    {
        await using var scep = await ManualAsync(p =>
        {
            p.ChallengePassword = null;
            p.Challenge = ChallengeMode.None;
        });
        using var device = new Device(0);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject));

        ReplyAssert.Pending(request, await scep.SendAsync(request), scep.Ra);

        Assert.Equal("None", Assert.Single(await scep.Stores.Approvals.ListRequestsAsync(new RequestQuery(), CancellationToken.None)).ChallengeMode);
    }

    private Task<ScepHarness> ManualAsync(Action<ProfileOptions>? configure = null) =>
        ScepHarness.CreateAsync(ca, p =>
        {
            p.Approval = ApprovalMode.Manual;
            configure?.Invoke(p);
        });

    private static ClientMessage Poll(ScepHarness scep, Device device) =>
        scep.Client.CertPoll(device, device.TransactionId, scep.CaCertificate.SubjectName, new X500DistinguishedName(Subject));

    private static async Task<long> PendingIdAsync(ScepHarness scep) =>
        Assert.Single(await scep.Stores.Approvals.ListRequestsAsync(new RequestQuery { Status = RequestStatus.Pending }, CancellationToken.None)).Id;

    private static async Task<X509Certificate2> EnrolThroughQueueAsync(ScepHarness scep, Device device)
    {
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr(Subject, ScepHarness.Challenge));
        ReplyAssert.Pending(request, await scep.SendAsync(request), scep.Ra);
        await scep.Queue.ApproveAsync(await PendingIdAsync(scep), Admin, CancellationToken.None);
        return ReplyAssert.Success(request, await scep.SendAsync(request), scep.Ra).Certificates[0];
    }
}

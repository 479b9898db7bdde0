using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Approvals;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Core.Tests.Support;
using CertBroker.Scep;

namespace CertBroker.Core.Tests;

/// <summary>
/// The relay's state machine for a <c>Backend=Ndes</c> profile, against a scripted upstream that signs with the test
/// CA: PENDING is polled until the certificate arrives, an unreachable upstream is retried with backoff up to the
/// limit, and the device's own polls and re-sends are answered from the broker's state, never relayed.
/// </summary>
public sealed class UpstreamRelayTests(CaFixture ca) : IClassFixture<CaFixture>
{
    [Fact]
    public async Task PkcsReq_UpstreamPendingThenIssued_DevicePollsGetPendingThenTheOneCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, Upstream);
        var upstream = new ScriptedUpstream(scep, UpstreamStatus.Pending, UpstreamStatus.Pending, UpstreamStatus.Issued);
        (ScepResponder responder, UpstreamPoller poller) = Build(scep, upstream);
        using var device = new Device(61);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=relay-pending", ScepHarness.Challenge));

        Assert.Equal(PkiStatus.Pending, request.Open(await Send(responder, scep, request)).Message.Status);
        Assert.Equal(PkiStatus.Pending, request.Open(await Send(responder, scep, request)).Message.Status);
        Assert.Equal(0, await poller.RunDueAsync(CancellationToken.None));
        scep.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await poller.RunDueAsync(CancellationToken.None));
        scep.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(1, await poller.RunDueAsync(CancellationToken.None));
        ClientMessage poll = scep.Client.CertPoll(device, request.TransactionId, scep.CaCertificate.SubjectName, new("CN=relay-pending"));
        CertRepContent reply = poll.Open(await Send(responder, scep, poll));

        Assert.Equal(PkiStatus.Success, reply.Message.Status);
        Assert.Equal("CN=relay-pending", reply.Certificates[0].Subject);
        Assert.Equal([false, true, true], upstream.Calls.Select(c => c.Poll));
        Assert.Single(upstream.Calls.Select(c => c.TransactionId).Distinct());
        Assert.Equal(1, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task RenewalReq_UpstreamPendingThenCollected_SupersedesTheRenewedCertificate()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, Upstream);
        var upstream = new ScriptedUpstream(scep, UpstreamStatus.Issued, UpstreamStatus.Pending, UpstreamStatus.Issued);
        (ScepResponder responder, UpstreamPoller poller) = Build(scep, upstream);
        using var device = new Device(63);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=relay-renewal", ScepHarness.Challenge));
        X509Certificate2 current = request.Open(await Send(responder, scep, request)).Certificates[0];
        using var rekeyed = new Device(64);
        ClientMessage renewal = scep.Client.RenewalReq(current, device.Key, rekeyed.Csr("CN=relay-renewal"), rekeyed.TransactionId);

        Assert.Equal(PkiStatus.Pending, renewal.Open(await Send(responder, scep, renewal)).Message.Status);
        scep.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(1, await poller.RunDueAsync(CancellationToken.None));

        // Collected by the poller from the stored request, which names what it renews only in its key.
        CertificateRecord old = (await scep.Stores.Certificates.FindBySerialAsync(CertificateRecords.SerialHex(current.SerialNumberBytes.Span), CancellationToken.None))!;
        Assert.Equal(RenewalState.Superseded, old.RenewalState);
        Assert.NotNull(old.SupersededBy);
        Assert.Equal(RenewalState.Valid, (await scep.Stores.Certificates.FindBySerialAsync(old.SupersededBy!, CancellationToken.None))!.RenewalState);
    }

    [Fact]
    public async Task PkcsReq_UpstreamUnreachable_RetriedWithBackoffThenFailsAtTheLimit()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, Upstream);
        var upstream = new ScriptedUpstream(scep, UpstreamStatus.Unreachable, UpstreamStatus.Unreachable, UpstreamStatus.Unreachable);
        (ScepResponder responder, UpstreamPoller poller) = Build(scep, upstream);
        using var device = new Device(62);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=relay-unreachable", ScepHarness.Challenge));

        Assert.Equal(PkiStatus.Pending, request.Open(await Send(responder, scep, request)).Message.Status);
        UpstreamRequest? first = await scep.Stores.Upstream.FindUpstreamRequestAsync(BrokerOptions.DefaultProfileName, request.TransactionId, CancellationToken.None);
        scep.Time.Advance(TimeSpan.FromSeconds(9));
        await poller.RunDueAsync(CancellationToken.None);
        int beforeFirstDelay = upstream.Calls.Count;
        scep.Time.Advance(TimeSpan.FromSeconds(1));
        await poller.RunDueAsync(CancellationToken.None);
        UpstreamRequest? second = await scep.Stores.Upstream.FindUpstreamRequestAsync(BrokerOptions.DefaultProfileName, request.TransactionId, CancellationToken.None);
        scep.Time.Advance(TimeSpan.FromSeconds(15));
        await poller.RunDueAsync(CancellationToken.None);
        ClientMessage poll = scep.Client.CertPoll(device, request.TransactionId, scep.CaCertificate.SubjectName, new("CN=relay-unreachable"));
        CertRepContent reply = poll.Open(await Send(responder, scep, poll));

        Assert.Equal(1, beforeFirstDelay);
        Assert.Equal((UpstreamRequestState.Pending, 1, TimeSpan.FromSeconds(10)), (first!.State, first.Attempts, first.NextAttemptAt!.Value - first.UpdatedAt));
        Assert.Equal((2, TimeSpan.FromSeconds(15)), (second!.Attempts, second.NextAttemptAt!.Value - second.UpdatedAt));
        Assert.Equal(PkiStatus.Failure, reply.Message.Status);
        Assert.Equal(FailInfo.BadRequest, reply.Message.FailInfo);
        Assert.Equal(3, upstream.Calls.Count);
        Assert.All(upstream.Calls, c => Assert.False(c.Poll));
        Assert.Equal(UpstreamRequestState.Failed,
            (await scep.Stores.Upstream.FindUpstreamRequestAsync(BrokerOptions.DefaultProfileName, request.TransactionId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task PkcsReq_UpstreamRefuses_DeviceGetsFailureAndNothingIsStored()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, Upstream);
        var upstream = new ScriptedUpstream(scep, UpstreamStatus.Refused);
        (ScepResponder responder, _) = Build(scep, upstream);
        using var device = new Device(63);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=relay-refused", ScepHarness.Challenge));

        CertRepContent reply = request.Open(await Send(responder, scep, request));

        Assert.Equal(PkiStatus.Failure, reply.Message.Status);
        Assert.Equal(FailInfo.BadCertId, reply.Message.FailInfo);
        Assert.Equal(0, await scep.CountCertificatesAsync());
    }

    [Fact]
    public async Task PkcsReq_WrongChallenge_RefusedWithoutAskingTheUpstream()
    {
        await using var scep = await ScepHarness.CreateAsync(ca, Upstream);
        var upstream = new ScriptedUpstream(scep, UpstreamStatus.Issued);
        (ScepResponder responder, _) = Build(scep, upstream);
        using var device = new Device(64);
        ClientMessage request = scep.Client.PkcsReq(device, device.Csr("CN=relay-wrong", "wrong"));

        CertRepContent reply = request.Open(await Send(responder, scep, request));

        Assert.Equal(PkiStatus.Failure, reply.Message.Status);
        Assert.Empty(upstream.Calls);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(30, 3600)]
    public void RetryDelay_Attempts_DoublesFromTheFirstDelayUpToTheCap(int attempts, int seconds)
    {
        var options = new NdesOptions { RetryDelaySeconds = 10, MaxRetryDelaySeconds = 3600 };

        Assert.Equal(TimeSpan.FromSeconds(seconds), UpstreamBackend.RetryDelay(options, attempts));
    }

    [Fact]
    public void UpstreamTransactionId_SameDeviceTransaction_IsStableAndDiffersPerProfile()
    {
        string once = UpstreamBackend.UpstreamTransactionId("mfd", "ABC");

        Assert.Equal(once, UpstreamBackend.UpstreamTransactionId("MFD", "ABC"));
        Assert.NotEqual(once, UpstreamBackend.UpstreamTransactionId("router", "ABC"));
        Assert.Matches("^[0-9A-F]{64}$", once);
    }

    private static void Upstream(ProfileOptions options)
    {
        options.Backend = ProfileBackend.Ndes;
        options.Ndes.Url = "http://upstream.invalid/scep";
        options.Ndes.Challenge = ScepHarness.Challenge;
        options.Ndes.MaxAttempts = 3;
        options.Ndes.RetryDelaySeconds = 10;
        options.Ndes.MaxRetryDelaySeconds = 15;
        options.Ndes.PollIntervalSeconds = 60;
    }

    private static (ScepResponder Responder, UpstreamPoller Poller) Build(ScepHarness scep, ScriptedUpstream upstream)
    {
        ScepHarness.Broker broker = scep.Compose([upstream]);
        return (broker.Responder, broker.Poller);
    }

    private static Task<ScepResult> Send(ScepResponder responder, ScepHarness scep, ClientMessage message) =>
        responder.HandleAsync(scep.Profile, message.Encoded, "192.0.2.20", CancellationToken.None);

    /// <summary>An upstream that answers from a script and signs with the test CA when the script says Issued.</summary>
    private sealed class ScriptedUpstream(ScepHarness scep, params UpstreamStatus[] script) : IUpstreamCa
    {
        private readonly Queue<UpstreamStatus> _script = new(script);

        public List<(string TransactionId, bool Poll)> Calls { get; } = [];

        public string ProfileName => BrokerOptions.DefaultProfileName;

        public BackendIdentity? Identity => new(scep.Ra, scep.Issuer.CaChain);

        public async Task<UpstreamReply> SendAsync(UpstreamSubmission submission, bool poll, CancellationToken cancellationToken)
        {
            Calls.Add((submission.TransactionId, poll));
            switch (_script.Dequeue())
            {
                case UpstreamStatus.Issued:
                    CertificationRequest csr = CertificationRequest.Parse(submission.CertificationRequest);
                    IssuedCertificate issued = await scep.Issuer.IssueAsync(
                        new IssueRequest(csr.Subject, csr.GetPublicKey(), csr.SubjectAlternativeName, scep.Profile.Template), cancellationToken);
                    return new UpstreamReply(UpstreamStatus.Issued, issued.Der, null, "Issued.", "AES-128-CBC", "SHA-256");
                case UpstreamStatus.Pending:
                    return new UpstreamReply(UpstreamStatus.Pending, null, null, "PENDING.", "AES-128-CBC", "SHA-256");
                case UpstreamStatus.Refused:
                    return new UpstreamReply(UpstreamStatus.Refused, null, FailInfo.BadCertId, "FAILURE.", "AES-128-CBC", "SHA-256");
                default:
                    return UpstreamReply.Unreachable("Connection refused.");
            }
        }

        // Always ready: nothing to fetch.
        public void RequestRefresh()
        {
        }

        public Task<string> FetchChallengeAsync(CancellationToken cancellationToken) => Task.FromResult(ScepHarness.Challenge);
    }
}

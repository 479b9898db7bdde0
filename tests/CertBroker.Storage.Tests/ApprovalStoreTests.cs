using CertBroker.Core.Approvals;
using CertBroker.Core.Model;

namespace CertBroker.Storage.Tests;

/// <summary>IApprovalStore behaviour every database must show: the queue's look-ups and what a decision does to them.</summary>
public abstract class ApprovalStoreTests : StoreTestBase
{
    [Fact]
    public async Task SaveTransactionAsync_QueuedRequest_RoundTripsEveryApprovalField()
    {
        EnrolmentTransaction queued = Queued("tid-fields") with
        {
            SubjectAlternativeNames = ["DNS:printer-3.example.net", "IP Address:192.0.2.33"],
            KeyAlgorithm = "RSA",
            KeySize = 1024,
            ChallengeMode = "Static",
            Findings = ["RSA key of 1024 bits, below 2048.", "Request signed with SHA-1."],
            DeviceId = 42,
        };
        await Enrolments.SaveTransactionAsync(queued, CancellationToken.None);

        EnrolmentTransaction stored = (await Enrolments.FindTransactionAsync(TestData.Profile, "tid-fields", CancellationToken.None))!;
        EnrolmentTransaction byId = (await Store.Approvals.FindRequestAsync(stored.Id, CancellationToken.None))!;

        Assert.Equal(queued.SubjectAlternativeNames, stored.SubjectAlternativeNames);
        Assert.Equal(("RSA", 1024), (stored.KeyAlgorithm, stored.KeySize));
        Assert.Equal("Static", stored.ChallengeMode);
        Assert.Equal(queued.Findings, stored.Findings);
        Assert.Equal(42, stored.DeviceId);
        Assert.Equal(queued.ExpiresAt!.Value.UtcDateTime, stored.ExpiresAt!.Value.UtcDateTime);
        Assert.Null(stored.Decision);
        Assert.Equal(stored.TransactionId, byId.TransactionId);
    }

    [Fact]
    public async Task FindRequestAsync_TransactionNeverQueued_ReturnsNull()
    {
        await Enrolments.SaveTransactionAsync(TestData.Transaction("tid-auto", TransactionState.Failed), CancellationToken.None);
        EnrolmentTransaction stored = (await Enrolments.FindTransactionAsync(TestData.Profile, "tid-auto", CancellationToken.None))!;

        Assert.Null(await Store.Approvals.FindRequestAsync(stored.Id, CancellationToken.None));
        Assert.Null(await Store.Approvals.FindRequestAsync(stored.Id + 1000, CancellationToken.None));
    }

    [Fact]
    public async Task ListRequestsAsync_ByStatusProfileAndText_ReturnsOnlyMatchingQueuedRequests()
    {
        await Enrolments.SaveTransactionAsync(Queued("tid-pending") with { Subject = "CN=printer-1,O=Example" }, CancellationToken.None);
        await Enrolments.SaveTransactionAsync(Queued("tid-other-profile", profile: "vpn"), CancellationToken.None);
        await Enrolments.SaveTransactionAsync(Settled("tid-rejected", RequestDecision.Rejected), CancellationToken.None);
        await Enrolments.SaveTransactionAsync(Settled("tid-expired", RequestDecision.Expired), CancellationToken.None);
        await Enrolments.SaveIssuedAsync(
            Queued("tid-approved") with { Decision = RequestDecision.Approved, DecidedBy = "admin", DecidedAt = TestData.Now },
            TestData.Certificate(transactionId: "tid-approved"), CancellationToken.None);
        await Enrolments.SaveTransactionAsync(TestData.Transaction("tid-never-queued", TransactionState.Failed), CancellationToken.None);

        Assert.Equal(["tid-other-profile", "tid-pending"], await IdsAsync(new RequestQuery { Status = RequestStatus.Pending }));
        Assert.Equal(["tid-approved"], await IdsAsync(new RequestQuery { Status = RequestStatus.Issued }));
        Assert.Equal(["tid-rejected"], await IdsAsync(new RequestQuery { Status = RequestStatus.Rejected }));
        Assert.Equal(["tid-expired"], await IdsAsync(new RequestQuery { Status = RequestStatus.Expired }));
        Assert.Equal(5, (await IdsAsync(new RequestQuery())).Length);
        Assert.Equal(["tid-other-profile"], await IdsAsync(new RequestQuery { Status = RequestStatus.Pending, Profile = "VPN" }));
        Assert.Equal(["tid-pending"], await IdsAsync(new RequestQuery { Text = "PRINTER-1" }));
        Assert.Empty(await IdsAsync(new RequestQuery { Text = "%" }));
    }

    [Fact]
    public async Task ListRequestsAsync_WithLimit_ReturnsTheNewestFirst()
    {
        for (int i = 0; i < 4; i++)
        {
            await Enrolments.SaveTransactionAsync(Queued($"tid-{i}") with { CreatedAt = TestData.Now.AddMinutes(i) }, CancellationToken.None);
        }

        IReadOnlyList<EnrolmentTransaction> page = await Store.Approvals.ListRequestsAsync(new RequestQuery { Limit = 2 }, CancellationToken.None);

        Assert.Equal(["tid-3", "tid-2"], page.Select(t => t.TransactionId));
    }

    [Fact]
    public async Task SaveTransactionAsync_RejectingAQueuedRequest_StaysRejectedAndLeavesThePendingQueue()
    {
        EnrolmentTransaction queued = Queued("tid-refused") with { ExpiresAt = TestData.Now.AddDays(-1) };
        await Enrolments.SaveTransactionAsync(queued, CancellationToken.None);
        long id = (await Enrolments.FindTransactionAsync(TestData.Profile, "tid-refused", CancellationToken.None))!.Id;

        await Enrolments.SaveTransactionAsync(Settled("tid-refused", RequestDecision.Rejected) with { ExpiresAt = queued.ExpiresAt }, CancellationToken.None);

        EnrolmentTransaction rejected = (await Store.Approvals.FindRequestAsync(id, CancellationToken.None))!;
        Assert.Equal((TransactionState.Failed, RequestDecision.Rejected, "admin"), (rejected.State, rejected.Decision, rejected.DecidedBy));
        Assert.Empty(await IdsAsync(new RequestQuery { Status = RequestStatus.Pending }));
        // Past its expiry, a rejected request is not expired a second time.
        Assert.Empty(await Store.Approvals.ListExpiredAsync(TestData.Now, 100, CancellationToken.None));
    }

    [Fact]
    public async Task ListExpiredAsync_PendingPastExpiry_ReturnsOnlyThoseOldestFirst()
    {
        await Enrolments.SaveTransactionAsync(Queued("tid-due-later") with { ExpiresAt = TestData.Now.AddHours(-1) }, CancellationToken.None);
        await Enrolments.SaveTransactionAsync(Queued("tid-due") with { ExpiresAt = TestData.Now.AddDays(-1) }, CancellationToken.None);
        await Enrolments.SaveTransactionAsync(Queued("tid-waiting") with { ExpiresAt = TestData.Now.AddDays(1) }, CancellationToken.None);
        await Enrolments.SaveTransactionAsync(Settled("tid-rejected", RequestDecision.Rejected) with { ExpiresAt = TestData.Now.AddDays(-1) }, CancellationToken.None);

        IReadOnlyList<EnrolmentTransaction> due = await Store.Approvals.ListExpiredAsync(TestData.Now, 100, CancellationToken.None);

        Assert.Equal(["tid-due", "tid-due-later"], due.Select(t => t.TransactionId));
        Assert.Single(await Store.Approvals.ListExpiredAsync(TestData.Now, 1, CancellationToken.None));
    }

    private static EnrolmentTransaction Queued(string transactionId, string profile = TestData.Profile) =>
        TestData.Transaction(transactionId, profile: profile) with { ExpiresAt = TestData.Now.AddDays(7) };

    private static EnrolmentTransaction Settled(string transactionId, RequestDecision decision) => Queued(transactionId) with
    {
        State = TransactionState.Failed,
        FailInfo = "badRequest",
        Decision = decision,
        DecidedBy = decision == RequestDecision.Expired ? "system" : "admin",
        DecidedAt = TestData.Now,
        DecisionReason = "test",
    };

    private async Task<string[]> IdsAsync(RequestQuery query) =>
        [.. (await Store.Approvals.ListRequestsAsync(query, CancellationToken.None)).Select(t => t.TransactionId).Order(StringComparer.Ordinal)];
}

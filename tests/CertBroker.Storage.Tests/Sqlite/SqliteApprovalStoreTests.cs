using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>The approval queue's columns and look-ups, and audit events written with enrolment changes.</summary>
public sealed class SqliteApprovalStoreTests : IAsyncLifetime
{
    private readonly SqliteHarness _harness = new();
    private SqliteStores _stores = null!;

    public async Task InitializeAsync()
    {
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        _stores = new SqliteStores(_harness.Options, NullLogger<SqliteDataSource>.Instance);
    }

    public async Task DisposeAsync()
    {
        _stores.Dispose();
        await _harness.DisposeAsync();
    }

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
        await _stores.Enrolments.SaveTransactionAsync(queued, CancellationToken.None);

        EnrolmentTransaction stored = (await _stores.Enrolments.FindTransactionAsync(TestData.Profile, "tid-fields", CancellationToken.None))!;
        EnrolmentTransaction byId = (await _stores.Approvals.FindRequestAsync(stored.Id, CancellationToken.None))!;

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
        await _stores.Enrolments.SaveTransactionAsync(TestData.Transaction("tid-auto", TransactionState.Failed), CancellationToken.None);
        EnrolmentTransaction stored = (await _stores.Enrolments.FindTransactionAsync(TestData.Profile, "tid-auto", CancellationToken.None))!;

        Assert.Null(await _stores.Approvals.FindRequestAsync(stored.Id, CancellationToken.None));
    }

    [Fact]
    public async Task ListRequestsAsync_ByStatusProfileAndText_ReturnsOnlyMatchingQueuedRequests()
    {
        await _stores.Enrolments.SaveTransactionAsync(Queued("tid-pending") with { Subject = "CN=printer-1,O=Example" }, CancellationToken.None);
        await _stores.Enrolments.SaveTransactionAsync(Queued("tid-other-profile", profile: "vpn"), CancellationToken.None);
        await _stores.Enrolments.SaveTransactionAsync(Settled("tid-rejected", RequestDecision.Rejected), CancellationToken.None);
        await _stores.Enrolments.SaveTransactionAsync(Settled("tid-expired", RequestDecision.Expired), CancellationToken.None);
        await _stores.Enrolments.SaveIssuedAsync(
            Queued("tid-approved") with { Decision = RequestDecision.Approved, DecidedBy = "admin", DecidedAt = TestData.Now },
            TestData.Certificate(transactionId: "tid-approved"), CancellationToken.None);
        await _stores.Enrolments.SaveTransactionAsync(TestData.Transaction("tid-never-queued", TransactionState.Failed), CancellationToken.None);

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
    public async Task ListExpiredAsync_PendingPastExpiry_ReturnsOnlyThose()
    {
        await _stores.Enrolments.SaveTransactionAsync(Queued("tid-due") with { ExpiresAt = TestData.Now.AddDays(-1) }, CancellationToken.None);
        await _stores.Enrolments.SaveTransactionAsync(Queued("tid-waiting") with { ExpiresAt = TestData.Now.AddDays(1) }, CancellationToken.None);
        await _stores.Enrolments.SaveTransactionAsync(Settled("tid-rejected", RequestDecision.Rejected) with { ExpiresAt = TestData.Now.AddDays(-1) }, CancellationToken.None);

        IReadOnlyList<EnrolmentTransaction> due = await _stores.Approvals.ListExpiredAsync(TestData.Now, 100, CancellationToken.None);

        Assert.Equal(["tid-due"], due.Select(t => t.TransactionId));
    }

    [Fact]
    public async Task SaveIssuedAsync_WithAuditEvent_StoresTheEventOnlyWhenTheCertificateIsStored()
    {
        EnrolmentTransaction transaction = TestData.Transaction("tid-audited");
        await _stores.Enrolments.SaveIssuedAsync(transaction, TestData.Certificate(transactionId: "tid-audited"), Event("first"), CancellationToken.None);
        IssueOutcome second = await _stores.Enrolments.SaveIssuedAsync(transaction, TestData.Certificate(transactionId: "tid-audited"), Event("second"), CancellationToken.None);

        Assert.True(second.AlreadyIssued);
        Assert.Equal(["first"], (await _stores.Audit.ListAsync(new AuditQuery(), CancellationToken.None)).Select(e => e.Event.Details));
    }

    [Fact]
    public async Task SaveTransactionAsync_WithAuditEventOnIssuedTransaction_WritesNeitherRowNorEvent()
    {
        EnrolmentTransaction transaction = TestData.Transaction("tid-issued");
        await _stores.Enrolments.SaveIssuedAsync(transaction, TestData.Certificate(transactionId: "tid-issued"), CancellationToken.None);

        bool written = await _stores.Enrolments.SaveTransactionAsync(transaction with { State = TransactionState.Failed }, Event("refused"), CancellationToken.None);

        Assert.False(written);
        Assert.Equal(0, await _stores.Audit.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SaveTransactionAsync_WithAuditEventsBeyondTheCap_KeepsTheNewest()
    {
        using var capped = new SqliteStores(_harness.Options, NullLogger<SqliteDataSource>.Instance, new AuditOptions { MaxRecords = 2 });

        foreach (string name in new[] { "one", "two", "three" })
        {
            await capped.Enrolments.SaveTransactionAsync(TestData.Transaction("tid-" + name, TransactionState.Failed), Event(name), CancellationToken.None);
        }

        Assert.Equal(["two", "three"], (await capped.Audit.ListAsync(new AuditQuery(), CancellationToken.None)).Select(e => e.Event.Details));
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

    private static AuditEvent Event(string details) => new()
    {
        Time = TestData.Now,
        Action = AuditActions.EnrolmentIssued,
        Outcome = AuditOutcome.Success,
        Actor = "device",
        Details = details,
    };

    private async Task<string[]> IdsAsync(RequestQuery query) =>
        [.. (await _stores.Approvals.ListRequestsAsync(query, CancellationToken.None)).Select(t => t.TransactionId).Order(StringComparer.Ordinal)];
}

using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Storage.Tests;

/// <summary>IAuditTrail behaviour every database must show.</summary>
public abstract class AuditTrailTests : StoreTestBase
{
    [Fact]
    public async Task AppendAsync_TwoEvents_ListsBothWithEveryFieldAndIncreasingIds()
    {
        AuditEvent first = Event("account.login") with { Target = "alice", Details = "from 192.0.2.1" };
        AuditEvent second = Event("device.deleted") with { Target = "device:7" };

        long firstId = await Store.Audit.AppendAsync(first, CancellationToken.None);
        long secondId = await Store.Audit.AppendAsync(second, CancellationToken.None);

        Assert.True(secondId > firstId);
        IReadOnlyList<StoredAuditEvent> listed = await Store.Audit.ListAsync(new AuditQuery(), CancellationToken.None);
        Assert.Equal(2, listed.Count);
        Assert.Equal(first, Assert.Single(listed, e => e.Id == firstId).Event);
        Assert.Equal(second, Assert.Single(listed, e => e.Id == secondId).Event);
        Assert.Equal(2, await Store.Audit.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ListAsync_ByActionOrTarget_ReturnsOnlyThoseEvents()
    {
        await Store.Audit.AppendAsync(Event("account.login") with { Target = "alice" }, CancellationToken.None);
        await Store.Audit.AppendAsync(Event("account.login") with { Target = "bob" }, CancellationToken.None);
        await Store.Audit.AppendAsync(Event("device.deleted") with { Target = "device:7" }, CancellationToken.None);

        IReadOnlyList<StoredAuditEvent> logins = await Store.Audit.ListAsync(new AuditQuery { Action = "account.login" }, CancellationToken.None);
        IReadOnlyList<StoredAuditEvent> bob = await Store.Audit.ListAsync(new AuditQuery { Target = "bob" }, CancellationToken.None);

        Assert.Equal(2, logins.Count);
        Assert.Equal("bob", Assert.Single(bob).Event.Target);
    }

    [Fact]
    public async Task SaveIssuedAsync_WithAuditEvent_StoresTheEventOnlyWhenTheCertificateIsStored()
    {
        EnrolmentTransaction transaction = TestData.Transaction("tid-audited");
        await Enrolments.SaveIssuedAsync(transaction, TestData.Certificate(transactionId: "tid-audited"), Event("enrolment.issued") with { Details = "first" }, CancellationToken.None);
        IssueOutcome second = await Enrolments.SaveIssuedAsync(
            transaction, TestData.Certificate(transactionId: "tid-audited"), Event("enrolment.issued") with { Details = "second" }, CancellationToken.None);

        Assert.True(second.AlreadyIssued);
        Assert.Equal(["first"], (await Store.Audit.ListAsync(new AuditQuery(), CancellationToken.None)).Select(e => e.Event.Details));
    }

    [Fact]
    public async Task SaveTransactionAsync_WithAuditEventOnIssuedTransaction_WritesNeitherRowNorEvent()
    {
        EnrolmentTransaction transaction = TestData.Transaction("tid-issued");
        await Enrolments.SaveIssuedAsync(transaction, TestData.Certificate(transactionId: "tid-issued"), CancellationToken.None);

        bool written = await Enrolments.SaveTransactionAsync(transaction with { State = TransactionState.Failed }, Event("enrolment.refused"), CancellationToken.None);

        Assert.False(written);
        Assert.Equal(0, await Store.Audit.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CountAsync_EmptyTrail_IsZero() => Assert.Equal(0, await Store.Audit.CountAsync(CancellationToken.None));

    private static AuditEvent Event(string action) =>
        new() { Time = TestData.Now, Action = action, Outcome = AuditOutcome.Success, Actor = "admin" };
}

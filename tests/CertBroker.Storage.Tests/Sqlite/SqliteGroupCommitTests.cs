using CertBroker.Core.Storage;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>
/// Writes that queue up while another is running share one transaction. Another connection holds the file's write
/// lock so that the first write waits in BEGIN IMMEDIATE; every write made meanwhile queues behind it and, once the
/// lock is released, they all run in one batch, each in its own savepoint.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime
{
    private readonly SqliteHarness _harness = new();
    private StoreUnderTest _store = null!;

    public async Task InitializeAsync()
    {
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        _store = _harness.CreateStore();
        // The first call checks the schema; do it now so queued calls go straight to the writer.
        await _store.Enrolments.FindTransactionAsync(TestData.Profile, "warm-up", CancellationToken.None);
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task SaveIssuedAsync_QueuedTogetherWithFailingWrites_OnlyTheFailingCallersFailAndWriteNothing()
    {
        var (taken, takenCertificate) = NewIssue();
        var (clashing, _) = NewIssue();
        var clash = TestData.Certificate(serial: takenCertificate.Serial, transactionId: clashing.TransactionId);
        var (broken, brokenCertificate) = NewIssue();
        broken = broken with { Subject = null! };
        var (good, goodCertificate) = NewIssue();
        var (failedLater, failedLaterCertificate) = NewIssue();
        var secondCertificate = TestData.Certificate(transactionId: taken.TransactionId);

        Task<IssueOutcome> first, takenSave, clashSave, brokenSave, goodSave, secondSave, failedLaterSave;
        Task<bool> downgrade;
        await using (var writeLock = await HoldWriteLockAsync())
        {
            first = StartBlockedWrite(out var firstIssue);
            await WaitUntilBlockedAsync(first);
            takenSave = _store.Enrolments.SaveIssuedAsync(taken, takenCertificate, CancellationToken.None);
            clashSave = _store.Enrolments.SaveIssuedAsync(clashing, clash, CancellationToken.None);
            brokenSave = _store.Enrolments.SaveIssuedAsync(broken, brokenCertificate, CancellationToken.None);
            goodSave = _store.Enrolments.SaveIssuedAsync(good, goodCertificate, CancellationToken.None);
            secondSave = _store.Enrolments.SaveIssuedAsync(taken, secondCertificate, CancellationToken.None);
            downgrade = _store.Enrolments.SaveTransactionAsync(
                taken with { State = TransactionState.Failed, FailInfo = "badRequest" }, CancellationToken.None);
            failedLaterSave = _store.Enrolments.SaveIssuedAsync(failedLater, failedLaterCertificate, CancellationToken.None);
            Assert.All(new Task[] { first, takenSave, clashSave, brokenSave, goodSave, secondSave, downgrade, failedLaterSave }, t => Assert.False(t.IsCompleted));
            writeLock.Release();
            Assert.False((await first).AlreadyIssued);
            await AssertStoredAsync(firstIssue.Transaction, firstIssue.Certificate);
        }

        Assert.False((await takenSave).AlreadyIssued);
        Assert.Equal(takenCertificate.Serial, (await Assert.ThrowsAsync<DuplicateSerialException>(() => clashSave)).Serial);
        await Assert.ThrowsAsync<SqliteException>(() => brokenSave);
        Assert.False((await goodSave).AlreadyIssued);
        var second = await secondSave;
        Assert.True(second.AlreadyIssued);
        Assert.Equal(takenCertificate.Serial, second.Certificate.Serial);
        Assert.False(await downgrade);
        Assert.False((await failedLaterSave).AlreadyIssued);

        await AssertStoredAsync(taken, takenCertificate);
        await AssertStoredAsync(good, goodCertificate);
        await AssertStoredAsync(failedLater, failedLaterCertificate);
        Assert.Null(await _store.Enrolments.FindTransactionAsync(clashing.Profile, clashing.TransactionId, CancellationToken.None));
        Assert.Null(await _store.Enrolments.FindTransactionAsync(broken.Profile, broken.TransactionId, CancellationToken.None));
        Assert.Null(await _store.Certificates.FindBySerialAsync(brokenCertificate.Serial, CancellationToken.None));
        Assert.Null(await _store.Certificates.FindBySerialAsync(secondCertificate.Serial, CancellationToken.None));
    }

    [Fact]
    public async Task SaveIssuedAsync_QueuedCalls_EachSeesItsRowsCommittedWhenItsTaskCompletes()
    {
        var issues = Enumerable.Range(0, 8).Select(_ => NewIssue()).ToArray();
        var committedWhenCompleted = new List<Task<bool>>();
        await using (var writeLock = await HoldWriteLockAsync())
        {
            var first = StartBlockedWrite(out _);
            await WaitUntilBlockedAsync(first);
            foreach (var (transaction, certificate) in issues)
            {
                // Checked from another connection the moment the caller's task completes: by then it must be committed.
                committedWhenCompleted.Add(_store.Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None)
                    .ContinueWith(_ => CountRows(certificate.Serial) == 1, TaskScheduler.Default));
            }

            writeLock.Release();
            await first;
        }

        Assert.All(await Task.WhenAll(committedWhenCompleted), Assert.True);
    }

    [Fact]
    public async Task SaveIssuedAsync_CancelledWhileQueued_ThrowsAndWritesNothing()
    {
        var (transaction, certificate) = NewIssue();
        using var cancellation = new CancellationTokenSource();
        Task<IssueOutcome> queued;
        await using (var writeLock = await HoldWriteLockAsync())
        {
            var first = StartBlockedWrite(out _);
            await WaitUntilBlockedAsync(first);
            queued = _store.Enrolments.SaveIssuedAsync(transaction, certificate, cancellation.Token);
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
            writeLock.Release();
            await first;
        }

        Assert.Null(await _store.Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None));
        Assert.Null(await _store.Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None));
    }

    [Fact]
    public async Task Dispose_WritesQueued_RunningBatchCommitsAndQueuedOnesFailWithObjectDisposed()
    {
        var store = (IDisposable)_store.Enrolments;
        var (transaction, certificate) = NewIssue();
        Task<IssueOutcome> first, queued;
        Task disposing;
        Issue firstIssue;
        await using (var writeLock = await HoldWriteLockAsync())
        {
            first = StartBlockedWrite(out firstIssue);
            await WaitUntilBlockedAsync(first);
            queued = _store.Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None);
            disposing = Task.Run(store.Dispose);
            await Task.Delay(100);
            Assert.False(disposing.IsCompleted);
            writeLock.Release();
        }

        await disposing;
        Assert.False((await first).AlreadyIssued);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => _store.Enrolments.SaveTransactionAsync(TestData.Transaction(), CancellationToken.None));
        Assert.Equal(1, CountRows(firstIssue.Certificate.Serial));
        Assert.Equal(0, CountRows(certificate.Serial));
    }

    private static Issue NewIssue()
    {
        var transaction = TestData.Transaction();
        return new Issue(transaction, TestData.Certificate(transactionId: transaction.TransactionId));
    }

    /// <summary>
    /// A write started on a pool thread: it finds the writer idle, runs its batch there and waits in BEGIN IMMEDIATE
    /// for the lock, so every write made after it queues.
    /// </summary>
    private Task<IssueOutcome> StartBlockedWrite(out Issue issue)
    {
        var (transaction, certificate) = issue = NewIssue();
        return Task.Run(() => _store.Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None));
    }

    /// <summary>Gives the pool thread time to reach BEGIN IMMEDIATE; it cannot finish while the lock is held.</summary>
    private static async Task WaitUntilBlockedAsync(Task first)
    {
        await Task.Delay(300);
        Assert.False(first.IsCompleted);
    }

    private async Task AssertStoredAsync(EnrolmentTransaction transaction, CertificateRecord certificate)
    {
        var stored = await _store.Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
        Assert.Equal(TransactionState.Issued, stored!.State);
        Assert.Equal(certificate.Serial, stored.CertificateSerial);
        RecordAssert.SameCertificate(certificate, await _store.Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None));
    }

    private long CountRows(string serial)
    {
        using var connection = _harness.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM certificates WHERE serial = $serial";
        command.Parameters.AddWithValue("$serial", serial);
        return (long)command.ExecuteScalar()!;
    }

    private async Task<WriteLock> HoldWriteLockAsync()
    {
        var connection = _harness.OpenRaw();
        await using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        await begin.ExecuteNonQueryAsync();
        return new WriteLock(connection);
    }

    private sealed record Issue(EnrolmentTransaction Transaction, CertificateRecord Certificate);

    /// <summary>Another process's write transaction, as far as the store can tell.</summary>
    private sealed class WriteLock(SqliteConnection connection) : IAsyncDisposable
    {
        public void Release()
        {
            using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}

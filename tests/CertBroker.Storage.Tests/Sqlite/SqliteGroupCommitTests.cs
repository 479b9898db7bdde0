using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CertBroker.Storage.Tests.Sqlite;

/// <summary>
/// Writes that queue up while another is running share one transaction, each in its own savepoint. A held write
/// keeps the writer busy so that the calls under test queue behind it and then run together.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime
{
    private readonly SqliteHarness _harness = new();
    private SqliteStores _stores = null!;

    private IEnrolmentStore Enrolments => _stores.Enrolments;

    private ICertificateStore Certificates => _stores.Certificates;

    public async Task InitializeAsync()
    {
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        _stores = _harness.CreateStores();
        // The first call checks the schema; do it now so queued calls go straight to the writer.
        await Enrolments.FindTransactionAsync(TestData.Profile, "warm-up", CancellationToken.None);
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
        var secondCertificate = TestData.Certificate(transactionId: taken.TransactionId);

        Task<IssueOutcome> takenSave, clashSave, brokenSave, goodSave, secondSave;
        Task<bool> downgrade;
        using (var held = await HeldWriter.HoldAsync(_stores.Source.Writer))
        {
            takenSave = Enrolments.SaveIssuedAsync(taken, takenCertificate, CancellationToken.None);
            clashSave = Enrolments.SaveIssuedAsync(clashing, clash, CancellationToken.None);
            brokenSave = Enrolments.SaveIssuedAsync(broken, brokenCertificate, CancellationToken.None);
            secondSave = Enrolments.SaveIssuedAsync(taken, secondCertificate, CancellationToken.None);
            downgrade = Enrolments.SaveTransactionAsync(
                taken with { State = TransactionState.Failed, FailInfo = "badRequest" }, CancellationToken.None);
            goodSave = Enrolments.SaveIssuedAsync(good, goodCertificate, CancellationToken.None);
            Assert.All(new Task[] { takenSave, clashSave, brokenSave, secondSave, downgrade, goodSave }, t => Assert.False(t.IsCompleted));
            await held.ReleaseAsync();
        }

        Assert.False((await takenSave).AlreadyIssued);
        Assert.Equal(takenCertificate.Serial, (await Assert.ThrowsAsync<DuplicateSerialException>(() => clashSave)).Serial);
        await Assert.ThrowsAsync<SqliteException>(() => brokenSave);
        var second = await secondSave;
        Assert.True(second.AlreadyIssued);
        Assert.Equal(takenCertificate.Serial, second.Certificate.Serial);
        Assert.False(await downgrade);
        Assert.False((await goodSave).AlreadyIssued);

        await AssertStoredAsync(taken, takenCertificate);
        await AssertStoredAsync(good, goodCertificate);
        Assert.Null(await Enrolments.FindTransactionAsync(clashing.Profile, clashing.TransactionId, CancellationToken.None));
        Assert.Null(await Enrolments.FindTransactionAsync(broken.Profile, broken.TransactionId, CancellationToken.None));
        Assert.Null(await Certificates.FindBySerialAsync(brokenCertificate.Serial, CancellationToken.None));
        Assert.Null(await Certificates.FindBySerialAsync(secondCertificate.Serial, CancellationToken.None));
    }

    [Fact]
    public async Task SaveIssuedAsync_QueuedCalls_EachSeesItsRowsCommittedWhenItsTaskCompletes()
    {
        var committedWhenCompleted = new List<Task<bool>>();
        using (var held = await HeldWriter.HoldAsync(_stores.Source.Writer))
        {
            for (var i = 0; i < 8; i++)
            {
                var (transaction, certificate) = NewIssue();
                // Checked from another connection the moment the caller's task completes: by then it must be committed.
                committedWhenCompleted.Add(Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None)
                    .ContinueWith(_ => CountRows(certificate.Serial) == 1, TaskScheduler.Default));
            }

            await held.ReleaseAsync();
        }

        Assert.All(await Task.WhenAll(committedWhenCompleted), Assert.True);
    }

    [Fact]
    public async Task SaveIssuedAsync_CancelledWhileQueued_ThrowsAndWritesNothing()
    {
        var (transaction, certificate) = NewIssue();
        using var cancellation = new CancellationTokenSource();
        using (var held = await HeldWriter.HoldAsync(_stores.Source.Writer))
        {
            var queued = Enrolments.SaveIssuedAsync(transaction, certificate, cancellation.Token);
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
            await held.ReleaseAsync();
        }

        Assert.Null(await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None));
        Assert.Null(await Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None));
    }

    [Fact]
    public async Task Dispose_WritesQueued_RunningTransactionCommitsAndQueuedWritesFailWithObjectDisposed()
    {
        var (transaction, certificate) = NewIssue();
        Task<IssueOutcome> queued;
        Task disposing;
        var probes = new List<Task<bool>>();
        using (var held = await HeldWriter.HoldAsync(_stores.Source.Writer))
        {
            queued = Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None);
            disposing = Task.Run(_stores.Dispose);
            // Dispose refuses new writes at once, then waits for the running transaction.
            Task<bool> probe;
            do
            {
                await Task.Delay(10);
                probes.Add(probe = Enrolments.SaveTransactionAsync(TestData.Transaction(), CancellationToken.None));
            }
            while (!probe.IsFaulted);

            Assert.False(disposing.IsCompleted);
            await held.ReleaseAsync();
        }

        await disposing;
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued);
        Assert.All(probes, p => Assert.IsType<ObjectDisposedException>(p.Exception?.InnerException));
        Assert.Equal(0, CountRows(certificate.Serial));
    }

    private static (EnrolmentTransaction Transaction, CertificateRecord Certificate) NewIssue()
    {
        var transaction = TestData.Transaction();
        return (transaction, TestData.Certificate(transactionId: transaction.TransactionId));
    }

    private async Task AssertStoredAsync(EnrolmentTransaction transaction, CertificateRecord certificate)
    {
        var stored = await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
        Assert.Equal(TransactionState.Issued, stored!.State);
        Assert.Equal(certificate.Serial, stored.CertificateSerial);
        RecordAssert.SameCertificate(certificate, await Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None));
    }

    private long CountRows(string serial)
    {
        using var connection = _harness.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM certificates WHERE serial = $serial";
        command.Parameters.AddWithValue("$serial", serial);
        return (long)command.ExecuteScalar()!;
    }
}

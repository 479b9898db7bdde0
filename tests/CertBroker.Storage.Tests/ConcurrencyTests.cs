using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Storage.Tests;

/// <summary>
/// "Never issue twice, never lose a certificate" under load. Calls are spread over two store instances so they
/// meet in the database's locking, as two service processes would, and not only in one store's own queue.
/// </summary>
public abstract class ConcurrencyTests : StoreTestBase
{
    [Fact]
    public async Task SaveIssuedAsync_32ConcurrentDistinctTransactions_AllLand()
    {
        var stores = new[] { Enrolments, Harness.CreateStore().Enrolments };
        var work = Enumerable.Range(0, 32).Select(_ =>
        {
            var transaction = TestData.Transaction();
            return (Transaction: transaction, Certificate: TestData.Certificate(transactionId: transaction.TransactionId));
        }).ToArray();

        var outcomes = await RunTogetherAsync(work.Length, i =>
            stores[i % stores.Length].SaveIssuedAsync(work[i].Transaction, work[i].Certificate, CancellationToken.None));

        Assert.All(outcomes, outcome => Assert.False(outcome.AlreadyIssued));
        foreach (var (transaction, certificate) in work)
        {
            var stored = await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
            Assert.Equal(TransactionState.Issued, stored!.State);
            Assert.Equal(certificate.Serial, stored.CertificateSerial);
            RecordAssert.SameCertificate(certificate, await Certificates.FindBySerialAsync(certificate.Serial, CancellationToken.None));
        }
    }

    [Fact]
    public async Task SaveIssuedAsync_16ConcurrentCallsForOneTransaction_StoreExactlyOneCertificate()
    {
        var stores = new[] { Enrolments, Harness.CreateStore().Enrolments };
        var transaction = TestData.Transaction();
        var candidates = Enumerable.Range(0, 16)
            .Select(_ => TestData.Certificate(transactionId: transaction.TransactionId))
            .ToArray();

        var outcomes = await RunTogetherAsync(candidates.Length, i =>
            stores[i % stores.Length].SaveIssuedAsync(transaction, candidates[i], CancellationToken.None));

        var winner = Assert.Single(outcomes, outcome => !outcome.AlreadyIssued).Certificate;
        Assert.All(outcomes, outcome => Assert.Equal(winner.Serial, outcome.Certificate.Serial));
        var storedSerials = new List<string>();
        foreach (var candidate in candidates)
        {
            if (await Certificates.FindBySerialAsync(candidate.Serial, CancellationToken.None) is { } stored)
            {
                storedSerials.Add(stored.Serial);
            }
        }

        Assert.Equal([winner.Serial], storedSerials);
        var final = await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
        Assert.Equal(winner.Serial, final!.CertificateSerial);
    }

    [Fact]
    public async Task SaveIssuedAsync_ConcurrentCallsReusingOneSerial_StoreItOnceAndRejectTheRest()
    {
        var stores = new[] { Enrolments, Harness.CreateStore().Enrolments };
        var serial = TestData.NewSerial();
        var transactions = Enumerable.Range(0, 8).Select(_ => TestData.Transaction()).ToArray();

        var results = await RunTogetherAsync(transactions.Length, async i =>
        {
            try
            {
                await stores[i % stores.Length].SaveIssuedAsync(
                    transactions[i], TestData.Certificate(serial: serial), CancellationToken.None);
                return true;
            }
            catch (DuplicateSerialException)
            {
                return false;
            }
        });

        Assert.Single(results, saved => saved);
        var issuedCount = 0;
        foreach (var transaction in transactions)
        {
            if (await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None) is not null)
            {
                issuedCount++;
            }
        }

        Assert.Equal(1, issuedCount);
    }

    [Fact]
    public async Task SaveIssuedAsync_ConcurrentCallsSomeReusingTakenSerials_OnlyThoseFailAndWriteNothing()
    {
        var (_, taken) = await IssueAsync();
        var work = Enumerable.Range(0, 24).Select(i =>
        {
            var transaction = TestData.Transaction();
            var serial = i % 4 == 0 ? taken.Serial : null;
            return (Transaction: transaction, Certificate: TestData.Certificate(serial: serial, transactionId: transaction.TransactionId));
        }).ToArray();

        var saved = await RunTogetherAsync(work.Length, async i =>
        {
            try
            {
                await Enrolments.SaveIssuedAsync(work[i].Transaction, work[i].Certificate, CancellationToken.None);
                return true;
            }
            catch (DuplicateSerialException exception) when (exception.Serial == taken.Serial)
            {
                return false;
            }
        });

        for (var i = 0; i < work.Length; i++)
        {
            var (transaction, certificate) = work[i];
            var stored = await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
            if (certificate.Serial == taken.Serial)
            {
                Assert.False(saved[i]);
                Assert.Null(stored);
            }
            else
            {
                Assert.True(saved[i]);
                Assert.Equal(certificate.Serial, stored!.CertificateSerial);
            }
        }

        RecordAssert.SameCertificate(taken, await Certificates.FindBySerialAsync(taken.Serial, CancellationToken.None));
    }

    [Fact]
    public async Task SaveTransactionAsync_RacingSaveIssued_NeverDowngradesIssued()
    {
        var transaction = TestData.Transaction();
        var certificate = TestData.Certificate(transactionId: transaction.TransactionId);
        var failed = transaction with { State = TransactionState.Failed, FailInfo = "badRequest" };

        await RunTogetherAsync(9, async i =>
        {
            if (i == 0)
            {
                await Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None);
            }
            else
            {
                await Harness.CreateStore().Enrolments.SaveTransactionAsync(failed, CancellationToken.None);
            }

            return true;
        });

        var final = await Enrolments.FindTransactionAsync(transaction.Profile, transaction.TransactionId, CancellationToken.None);
        Assert.Equal(TransactionState.Issued, final!.State);
        Assert.Equal(certificate.Serial, final.CertificateSerial);
    }

    /// <summary>Starts <paramref name="count"/> calls on pool threads and releases them at the same moment.</summary>
    private static async Task<T[]> RunTogetherAsync<T>(int count, Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await call(i);
            }))
            .ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }
}

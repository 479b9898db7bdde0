using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Storage.Tests;

/// <summary>Gives every test a freshly migrated database and a store over it.</summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    private StoreHarness? _harness;
    private StoreUnderTest? _store;

    protected StoreHarness Harness => _harness ?? throw new InvalidOperationException("Not initialised.");

    protected IEnrolmentStore Enrolments => Store.Enrolments;

    protected ICertificateStore Certificates => Store.Certificates;

    /// <summary>Every store interface over the test's database.</summary>
    protected StoreUnderTest Store => _store ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        _harness = CreateHarness();
        await _harness.CreateMigrator().MigrateAsync(CancellationToken.None);
        _store = _harness.CreateStore();
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    protected abstract StoreHarness CreateHarness();

    /// <summary>Saves an issued certificate for a new transaction and returns both as stored.</summary>
    protected async Task<(EnrolmentTransaction Transaction, CertificateRecord Certificate)> IssueAsync(
        DateTimeOffset? notAfter = null)
    {
        var transaction = TestData.Transaction();
        var certificate = TestData.Certificate(transactionId: transaction.TransactionId, notAfter: notAfter);
        var outcome = await Enrolments.SaveIssuedAsync(transaction, certificate, CancellationToken.None);
        Assert.False(outcome.AlreadyIssued);
        return (transaction, outcome.Certificate);
    }
}

using CertBroker.Core.Accounts;
using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Cluster;
using CertBroker.Core.Inventory;
using CertBroker.Core.Policy;
using CertBroker.Core.Renewal;
using CertBroker.Core.Reports;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CertBroker.Storage.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="SqliteDataSource"/> and, over it, a store per aggregate behind each Core store
    /// interface; <see cref="SqliteMigrator"/> as <see cref="IStoreMigrator"/>, and the options validator. The host binds
    /// <see cref="SqliteStoreOptions"/> itself, e.g.
    /// <c>services.AddOptions&lt;SqliteStoreOptions&gt;().BindConfiguration(SqliteStoreOptions.SectionName).ValidateOnStart()</c>,
    /// and calls <see cref="IStoreMigrator.MigrateAsync"/> once before serving requests.
    /// </summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStoreOptions>, SqliteStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // One data source for every store: it owns the only writer connection of this process.
        services.TryAddSingleton(provider => new SqliteDataSource(
            provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value,
            provider.GetRequiredService<ILogger<SqliteDataSource>>(),
            provider.GetService<IOptions<AuditOptions>>()?.Value));
        AddStore<SqliteEnrolmentStore, IEnrolmentStore>(services, source => new SqliteEnrolmentStore(source));
        services.TryAddSingleton<ITransactionCleanup>(provider => provider.GetRequiredService<SqliteEnrolmentStore>());
        AddStore<SqliteCertificateStore, ICertificateStore>(services, source => new SqliteCertificateStore(source));
        AddStore<SqliteAuditTrail, IAuditTrail>(services, source => new SqliteAuditTrail(source));
        AddStore<SqliteDeviceStore, IDeviceStore>(services, source => new SqliteDeviceStore(source));
        services.TryAddSingleton<ICertificateInventory>(provider => provider.GetRequiredService<SqliteDeviceStore>());
        AddStore<SqliteChallengeStore, IChallengeStore>(services, source => new SqliteChallengeStore(source));
        services.TryAddSingleton<IChallengeCleanup>(provider => provider.GetRequiredService<SqliteChallengeStore>());
        AddStore<SqliteAccountStore, IAccountStore>(services, source => new SqliteAccountStore(source));
        services.TryAddSingleton<IApiTokenStore>(provider => provider.GetRequiredService<SqliteAccountStore>());
        services.TryAddSingleton<IAccountAdministration>(provider => provider.GetRequiredService<SqliteAccountStore>());
        AddStore<SqliteApprovalStore, IApprovalStore>(services, source => new SqliteApprovalStore(source));
        AddStore<SqliteExpiryReportSource, IExpiryReportSource>(services, source => new SqliteExpiryReportSource(source));
        AddStore<SqlitePolicyStore, IPolicyStore>(services, source => new SqlitePolicyStore(source));
        AddStore<SqliteInventorySearchIndex, IInventorySearchIndex>(services, source => new SqliteInventorySearchIndex(source));
        AddStore<SqliteUpstreamRequestStore, IUpstreamRequestStore>(services, source => new SqliteUpstreamRequestStore(source));
        AddStore<SqliteRenewalStore, IRenewalStore>(services, source => new SqliteRenewalStore(source));
        AddStore<SqliteRenewalEventLog, IRenewalEventLog>(services, source => new SqliteRenewalEventLog(source));
        AddStore<SqliteCrlStore, ICrlStore>(services, source => new SqliteCrlStore(source));
        AddStore<SqliteFailureStore, IFailureStore>(services, source => new SqliteFailureStore(source));
        AddStore<SqliteLeaseStore, ILeaseStore>(services, source => new SqliteLeaseStore(source));
        AddStore<SqliteInstallationStore, IInstallationStore>(services, source => new SqliteInstallationStore(source));
        services.TryAddSingleton<IStoreMigrator>(provider => new SqliteMigrator(
            provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<SqliteMigrator>>()));
        return services;
    }

    private static void AddStore<TStore, TInterface>(IServiceCollection services, Func<SqliteDataSource, TStore> create)
        where TStore : class, TInterface
        where TInterface : class
    {
        services.TryAddSingleton(provider => create(provider.GetRequiredService<SqliteDataSource>()));
        services.TryAddSingleton<TInterface>(provider => provider.GetRequiredService<TStore>());
    }
}

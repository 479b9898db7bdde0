using CertBroker.Core.Accounts;
using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Cluster;
using CertBroker.Core.Inventory;
using CertBroker.Core.Policy;
using CertBroker.Core.Renewal;
using CertBroker.Core.Reports;
using CertBroker.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CertBroker.Storage.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="PostgresDataSource"/> and, over it, a store per aggregate behind each Core store
    /// interface; <see cref="PostgresMigrator"/> as <see cref="IStoreMigrator"/>, and the options validator. The host
    /// binds <see cref="PostgresStoreOptions"/> itself and calls <see cref="IStoreMigrator.MigrateAsync"/> once before
    /// serving requests.
    /// </summary>
    public static IServiceCollection AddPostgresStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresStoreOptions>, PostgresStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new PostgresDataSource(
            provider.GetRequiredService<IOptions<PostgresStoreOptions>>().Value,
            provider.GetRequiredService<ILogger<PostgresDataSource>>(),
            provider.GetService<IOptions<AuditOptions>>()?.Value));
        AddStore<PostgresEnrolmentStore, IEnrolmentStore>(services, source => new PostgresEnrolmentStore(source));
        services.TryAddSingleton<ITransactionCleanup>(provider => provider.GetRequiredService<PostgresEnrolmentStore>());
        AddStore<PostgresCertificateStore, ICertificateStore>(services, source => new PostgresCertificateStore(source));
        AddStore<PostgresAuditTrail, IAuditTrail>(services, source => new PostgresAuditTrail(source));
        AddStore<PostgresDeviceStore, IDeviceStore>(services, source => new PostgresDeviceStore(source));
        services.TryAddSingleton<ICertificateInventory>(provider => provider.GetRequiredService<PostgresDeviceStore>());
        AddStore<PostgresInventorySearchIndex, IInventorySearchIndex>(services, _ => new PostgresInventorySearchIndex());
        AddStore<PostgresRenewalStore, IRenewalStore>(services, source => new PostgresRenewalStore(source));
        AddStore<PostgresChallengeStore, IChallengeStore>(services, source => new PostgresChallengeStore(source));
        services.TryAddSingleton<IChallengeCleanup>(provider => provider.GetRequiredService<PostgresChallengeStore>());
        AddStore<PostgresApprovalStore, IApprovalStore>(services, source => new PostgresApprovalStore(source));
        AddStore<PostgresUpstreamRequestStore, IUpstreamRequestStore>(services, source => new PostgresUpstreamRequestStore(source));
        AddStore<PostgresAccountStore, IAccountStore>(services, source => new PostgresAccountStore(source));
        services.TryAddSingleton<IApiTokenStore>(provider => provider.GetRequiredService<PostgresAccountStore>());
        services.TryAddSingleton<IAccountAdministration>(provider => provider.GetRequiredService<PostgresAccountStore>());
        AddStore<PostgresExpiryReportSource, IExpiryReportSource>(services, source => new PostgresExpiryReportSource(source));
        AddStore<PostgresPolicyStore, IPolicyStore>(services, source => new PostgresPolicyStore(source));
        AddStore<PostgresRenewalEventLog, IRenewalEventLog>(services, source => new PostgresRenewalEventLog(source));
        AddStore<PostgresCrlStore, ICrlStore>(services, source => new PostgresCrlStore(source));
        AddStore<PostgresFailureStore, IFailureStore>(services, source => new PostgresFailureStore(source));
        AddStore<PostgresLeaseStore, ILeaseStore>(services, source => new PostgresLeaseStore(source));
        AddStore<PostgresInstallationStore, IInstallationStore>(services, source => new PostgresInstallationStore(source));
        services.TryAddSingleton<IStoreMigrator>(provider => new PostgresMigrator(
            provider.GetRequiredService<IOptions<PostgresStoreOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PostgresMigrator>>()));
        return services;
    }

    private static void AddStore<TStore, TInterface>(IServiceCollection services, Func<PostgresDataSource, TStore> create)
        where TStore : class, TInterface
        where TInterface : class
    {
        services.TryAddSingleton(provider => create(provider.GetRequiredService<PostgresDataSource>()));
        services.TryAddSingleton<TInterface>(provider => provider.GetRequiredService<TStore>());
    }
}

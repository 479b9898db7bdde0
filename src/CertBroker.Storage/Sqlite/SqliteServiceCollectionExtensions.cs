using CertBroker.Core.Accounts;
using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Challenges;
using CertBroker.Core.Inventory;
using CertBroker.Core.Policy;
using CertBroker.Core.Reports;
using CertBroker.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CertBroker.Storage.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteStore"/> as the single <see cref="IEnrolmentStore"/> and <see cref="ICertificateStore"/>,
    /// <see cref="SqliteMigrator"/> as <see cref="IStoreMigrator"/>, and the options validator. The host binds
    /// <see cref="SqliteStoreOptions"/> itself, e.g.
    /// <c>services.AddOptions&lt;SqliteStoreOptions&gt;().BindConfiguration(SqliteStoreOptions.SectionName).ValidateOnStart()</c>,
    /// and calls <see cref="IStoreMigrator.MigrateAsync"/> once before serving requests.
    /// </summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStoreOptions>, SqliteStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // One instance behind both interfaces: it owns the only writer connection of this process.
        services.TryAddSingleton(provider => new SqliteStore(
            provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value,
            provider.GetRequiredService<ILogger<SqliteStore>>(),
            provider.GetService<IOptions<AuditOptions>>()?.Value));
        services.TryAddSingleton<IEnrolmentStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<ICertificateStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<IAuditTrail>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<IDeviceStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<ICertificateInventory>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<IChallengeStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<IAccountStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<IApiTokenStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<IAccountAdministration>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<IApprovalStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<IExpiryReportSource>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<IPolicyStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<IInventorySearchIndex>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<IUpstreamRequestStore>(provider => provider.GetRequiredService<SqliteStore>());
        services.TryAddSingleton<IStoreMigrator>(provider => new SqliteMigrator(
            provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<SqliteMigrator>>()));
        return services;
    }
}

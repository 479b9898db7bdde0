using CertBroker.Core.Approvals;
using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Core.Storage;
using CertBroker.Issuers.Embedded;
using CertBroker.Issuers.Ndes;
using CertBroker.Server.Admin;
using CertBroker.Server.Endpoints;
using CertBroker.Server.Monitoring;
using CertBroker.Storage.Postgres;
using CertBroker.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Hosting;

internal static class ServiceRegistration
{
    /// <summary>Default SQLite file name inside <c>CertBroker:DataDir</c>.</summary>
    public const string DatabaseFileName = "certbroker.db";

    public static IServiceCollection AddCertBroker(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(NodeIdentity.From(configuration));
        services.AddOptions<BrokerOptions>().BindConfiguration(BrokerOptions.SectionName).ValidateOnStart();
        services.AddTrustedProxies();
        services.AddSingleton<IValidateOptions<BrokerOptions>, BrokerOptionsValidator>();
        services.AddSingleton<ProfileCatalog>();

        StorageProvider storage = services.AddStore(configuration, dataDirectory);
        services.AddEmbeddedCa(configuration);
        services.AddNdesUpstreams(dataDirectory);

        // The inventory matches queued requests to devices (IDeviceMatcher).
        services.AddInventoryAndChallenges();
        // One lock table for the SCEP pipeline and the approval queue: see TransactionLocks.
        services.AddSingleton<TransactionLocks>();
        services.AddSingleton<QueueDecisions>();
        services.AddSingleton<RequestQueue>();
        services.AddLifecycleJobs(storage);

        services.AddWeakCryptoPolicy();
        services.AddEnrolmentPipeline();
        services.AddSingleton<CaCertificateResponses>();
        services.AddSingleton<ScepHandler>();
        services.AddSingleton<ScepFailureLimiter>();
        services.AddOptions<ScepRateLimitOptions>().BindConfiguration(ScepRateLimitOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ScepRateLimitOptions>, ScepRateLimitOptionsValidator>();
        services.AddMonitoring();
        services.AddAdminAccess();
        return services;
    }

    /// <summary>
    /// The stores of <c>CertBroker:Storage:Provider</c>. An unknown provider registers SQLite's, so the container can
    /// still be built, and <see cref="StorageOptionsValidator"/> stops the start with the reason before anything is
    /// created on disk.
    /// </summary>
    private static StorageProvider AddStore(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        StorageProvider provider = StorageOptions.ProviderOf(configuration);
        if (provider == StorageProvider.Postgres)
        {
            services.AddOptions<PostgresStoreOptions>().BindConfiguration(PostgresStoreOptions.SectionName).ValidateOnStart();
            services.AddPostgresStore();
            services.AddSingleton<IStoreProbe>(p => new PostgresStoreProbe(p.GetRequiredService<PostgresDataSource>()));
            return provider;
        }

        services.AddOptions<SqliteStoreOptions>()
            .BindConfiguration(SqliteStoreOptions.SectionName)
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.DatabasePath))
                {
                    o.DatabasePath = Path.Combine(dataDirectory, DatabaseFileName);
                }
            })
            .ValidateOnStart();
        services.AddSqliteStore();
        services.AddSingleton<IStoreProbe>(p => new SqliteStoreProbe(p.GetRequiredService<SqliteDataSource>()));
        // PostgreSQL keeps its search index in each write's transaction; SQLite's catches up in batches.
        services.AddHostedService<SearchIndexer>();
        return provider;
    }
}

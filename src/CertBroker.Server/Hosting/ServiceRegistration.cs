using CertBroker.Core.Approvals;
using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using CertBroker.Issuers.Embedded;
using CertBroker.Issuers.Ndes;
using CertBroker.Server.Admin;
using CertBroker.Server.Endpoints;
using CertBroker.Server.Monitoring;
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
        services.AddEmbeddedCa(configuration);
        services.AddNdesUpstreams(dataDirectory);

        // The inventory matches queued requests to devices (IDeviceMatcher).
        services.AddInventoryAndChallenges();
        // One lock table for the SCEP pipeline and the approval queue: see TransactionLocks.
        services.AddSingleton<TransactionLocks>();
        services.AddSingleton<QueueDecisions>();
        services.AddSingleton<RequestQueue>();
        services.AddLifecycleJobs();

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
}

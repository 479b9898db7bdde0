using CertBroker.Core.Renewal;
using CertBroker.Server.Jobs;
using CertBroker.Server.Webhooks;
using CertBroker.Storage.Postgres;
using CertBroker.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace CertBroker.Server.Hosting;

/// <summary>
/// The lifecycle jobs on Quartz.NET with its ADO job store in the broker's database: in the SQLite file, not
/// clustered, as one broker process owns it; on PostgreSQL, clustered across every node that shares the database.
/// Triggers are simple repeat-forever intervals from
/// <see cref="ScheduleOptions"/>; see <see cref="LifecycleScheduleRegistrar"/> for what survives a restart.
/// </summary>
internal static class LifecycleScheduling
{
    public const string Group = "certbroker";

    /// <summary>The scheduler name every node of a PostgreSQL cluster shares (Quartz's SCHED_NAME).</summary>
    public const string ClusteredSchedulerName = "CertBroker";

    /// <summary>How often a clustered node records in the job store that it is alive.</summary>
    public static readonly TimeSpan ClusterCheckinInterval = TimeSpan.FromSeconds(7.5);

    /// <summary>How long past a missed check-in the other nodes wait before taking a node's triggers over.</summary>
    public static readonly TimeSpan ClusterCheckinMisfireThreshold = TimeSpan.FromSeconds(15);

    public static IServiceCollection AddLifecycleJobs(this IServiceCollection services, StorageProvider storage)
    {
        services.AddOptions<ScheduleOptions>().BindConfiguration(ScheduleOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScheduleOptions>, ScheduleOptionsValidator>());
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());

        // IRenewalStore, IChallengeCleanup and IRenewalEventLog come with the store registration (AddSqliteStore).
        WebhookSender.ConfigureHttpClient(services.AddHttpClient<WebhookSender>());
        services.AddSingleton<WebhookQueue>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookQueue>());
        services.AddSingleton<IRenewalNotifier>(provider =>
            string.IsNullOrEmpty(provider.GetRequiredService<IOptions<WebhookOptions>>().Value.Url)
                ? NullRenewalNotifier.Instance
                : provider.GetRequiredService<WebhookQueue>());
        services.AddSingleton(provider => new RenewalSweep(
            provider.GetRequiredService<IRenewalStore>(),
            provider.GetRequiredService<Core.Profiles.ProfileCatalog>(),
            provider.GetRequiredService<IOptions<ScheduleOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<Core.Audit.AuditRecorder>(),
            provider.GetRequiredService<IRenewalNotifier>()));
        services.AddSingleton(provider => new ExpiryAlerts(
            provider.GetRequiredService<IRenewalStore>(),
            provider.GetRequiredService<IOptions<ScheduleOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<Core.Audit.AuditRecorder>(),
            provider.GetRequiredService<IRenewalNotifier>()));

        services.AddQuartz(quartz => ConfigureScheduler(quartz, storage));
        services.AddHostedService<LifecycleScheduleRegistrar>();
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }

    /// <summary>The scheduler and its job store for <paramref name="storage"/>; without the jobs, which the registrar stores.</summary>
    internal static void ConfigureScheduler(IQuartzBuilder quartz, StorageProvider storage)
    {
        // Scheduling follows the wall clock even when a test swaps the application's TimeProvider; the jobs
        // themselves read the application's clock for every decision.
        quartz.UseTimeProvider(TimeProvider.System);
        quartz.AddJobListener<JobFiringLog>([GroupMatcher<JobKey>.GroupEquals(Group)]);
        if (storage == StorageProvider.Postgres)
        {
            // Every node uses the same scheduler name, so they share one set of triggers, and its own generated
            // instance ID, so each recognises its own check-ins and firings.
            quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = ClusteredSchedulerName);
        }

        quartz.UsePersistentStore(store =>
        {
            if (storage == StorageProvider.Postgres)
            {
                UsePostgres(store);
            }
            else
            {
                UseSqlite(store);
            }

            store.ConfigureStore(ado =>
            {
                ado.StoreJobDataAsStrings = true;
                // A firing more than a minute late is a misfire; each trigger's instruction says what happens then.
                ado.MisfireThreshold = TimeSpan.FromMinutes(1);
                ado.SchemaProvisioning = SchemaProvisioning.Validate;
            });
        });
    }

    /// <summary>The broker's own SQLite file (tables from its migration 0008), one process, not clustered.</summary>
    private static void UseSqlite(IPersistentStoreBuilder store) =>
        store.UseSqlite(source =>
        {
            source.Provider = "SQLite-Microsoft";
            // The path is known only once options are bound, hence a factory rather than a connection string.
            source.DataSourceFactory = provider => SqliteFactory.Instance.CreateDataSource(SqliteConnectionString(provider));
        });

    /// <summary>
    /// The shared PostgreSQL database (tables from its migration 0002), clustered: every node acquires triggers
    /// under Quartz's row lock in QRTZ_LOCKS, so each firing runs on one node, and a node whose check-in is overdue
    /// by <see cref="ClusterCheckinMisfireThreshold"/> has its triggers and in-flight firings recovered by another.
    /// </summary>
    private static void UsePostgres(IPersistentStoreBuilder store)
    {
        store.UsePostgres(source =>
        {
            source.Provider = DataSourceOptions.Providers.Npgsql;
            // A pool of its own: the scheduler holds a row lock for the length of its transactions, which must
            // not wait behind, or hold up, the stores' connections.
            source.DataSourceFactory = provider => new NpgsqlDataSourceBuilder(provider.GetRequiredService<IOptions<PostgresStoreOptions>>().Value.ConnectionString)
            {
                ConnectionStringBuilder = { ApplicationName = "certbroker-scheduler" },
            }.Build();
        });
        store.UseClustering(clustering =>
        {
            clustering.CheckinInterval = ClusterCheckinInterval;
            clustering.CheckinMisfireThreshold = ClusterCheckinMisfireThreshold;
        });
    }

    /// <summary>The broker's database file; the store has already switched it to write-ahead logging.</summary>
    private static string SqliteConnectionString(IServiceProvider provider) => new SqliteConnectionStringBuilder
    {
        DataSource = provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value.DatabasePath,
        Pooling = true,
    }.ToString();
}

using CertBroker.Core.Renewal;
using CertBroker.Server.Jobs;
using CertBroker.Server.Webhooks;
using CertBroker.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;

namespace CertBroker.Server.Hosting;

/// <summary>
/// The lifecycle jobs on Quartz.NET with its ADO job store in the broker's own SQLite file (tables from migration
/// 0008), not clustered: one broker process owns its database. Triggers are simple repeat-forever intervals from
/// <see cref="ScheduleOptions"/>; see <see cref="LifecycleScheduleRegistrar"/> for what survives a restart.
/// </summary>
internal static class LifecycleScheduling
{
    public const string Group = "certbroker";

    public static IServiceCollection AddLifecycleJobs(this IServiceCollection services)
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

        services.AddQuartz(quartz =>
        {
            // Scheduling follows the wall clock even when a test swaps the application's TimeProvider; the jobs
            // themselves read the application's clock for every decision.
            quartz.UseTimeProvider(TimeProvider.System);
            quartz.UsePersistentStore(store =>
            {
                store.UseSqlite(source =>
                {
                    source.Provider = "SQLite-Microsoft";
                    // The path is known only once options are bound, hence a factory rather than a connection string.
                    source.DataSourceFactory = provider => SqliteFactory.Instance.CreateDataSource(ConnectionString(provider));
                });
                store.ConfigureStore(ado =>
                {
                    ado.StoreJobDataAsStrings = true;
                    // A firing more than a minute late is a misfire; each trigger's instruction says what happens then.
                    ado.MisfireThreshold = TimeSpan.FromMinutes(1);
                    ado.SchemaProvisioning = SchemaProvisioning.Validate;
                });
            });
        });
        services.AddHostedService<LifecycleScheduleRegistrar>();
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }

    /// <summary>The broker's database file; the store has already switched it to write-ahead logging.</summary>
    private static string ConnectionString(IServiceProvider provider) => new SqliteConnectionStringBuilder
    {
        DataSource = provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value.DatabasePath,
        Pooling = true,
    }.ToString();
}

using Microsoft.Extensions.Options;

namespace CertBroker.Server.Monitoring;

internal static class MonitoringRegistration
{
    /// <summary>Monitoring options, the SCEP instruments and the collectors behind <c>/metrics</c>; the readiness check behind <c>/health/ready</c>.</summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services)
    {
        services.AddOptions<MonitoringOptions>().BindConfiguration(MonitoringOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MonitoringOptions>, MonitoringOptionsValidator>();
        services.AddSingleton<ScepMetrics>();
        services.AddSingleton<IMetricsCollector, InventoryMetricsCollector>();
        services.AddSingleton<IMetricsCollector, CaMetricsCollector>();
        services.AddSingleton<MetricsRegistry>();
        services.AddSingleton<MonitoringToken>();
        services.AddSingleton<Readiness>();
        return services;
    }
}

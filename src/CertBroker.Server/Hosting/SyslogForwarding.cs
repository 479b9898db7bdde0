using CertBroker.Core.Audit;
using CertBroker.Server.Syslog;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Hosting;

/// <summary>
/// Audit events to syslog when <c>CertBroker:Audit:Syslog:Enabled</c> is true; otherwise to nowhere
/// (<see cref="NullAuditForwarder"/>). The sender starts and stops with the host and is disposed with the container.
/// </summary>
internal static class SyslogForwarding
{
    public static IServiceCollection AddSyslogForwarding(this IServiceCollection services)
    {
        services.AddOptions<SyslogOptions>().BindConfiguration(SyslogOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SyslogOptions>, SyslogOptionsValidator>());
        services.AddSingleton<SyslogSender>();
        services.AddHostedService<SyslogSenderService>();
        services.AddSingleton<IAuditForwarder>(provider =>
            provider.GetRequiredService<IOptions<SyslogOptions>>().Value.Enabled
                ? new SyslogAuditForwarder(provider.GetRequiredService<SyslogSender>())
                : NullAuditForwarder.Instance);
        return services;
    }

    /// <summary>Runs the sender's loop for the lifetime of the host; a disabled sender does nothing.</summary>
    private sealed class SyslogSenderService(SyslogSender sender) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => sender.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => sender.StopAsync(cancellationToken);
    }
}

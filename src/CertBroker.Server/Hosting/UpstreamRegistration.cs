using CertBroker.Core.Approvals;
using CertBroker.Core.Audit;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Issuing;
using CertBroker.Core.Policy;
using CertBroker.Core.Profiles;
using CertBroker.Core.Storage;
using CertBroker.Issuers.Ndes;

namespace CertBroker.Server.Hosting;

/// <summary>Profiles with <c>Backend=Ndes</c>: their upstream CAs, the relay and the job's poller.</summary>
internal static class UpstreamRegistration
{
    public static IServiceCollection AddUpstreamBackends(this IServiceCollection services, string dataDirectory)
    {
        services.AddNdesUpstreams(dataDirectory);
        services.AddSingleton(provider => new UpstreamRelay(
            provider.GetRequiredService<IEnrolmentStore>(),
            provider.GetRequiredService<IUpstreamRequestStore>(),
            provider.GetRequiredService<ProfileBackends>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<AuditRecorder>(),
            provider.GetService<WeakCryptoPolicy>()));
        services.AddSingleton(provider => new UpstreamPoller(
            provider.GetRequiredService<IUpstreamRequestStore>(),
            provider.GetRequiredService<IEnrolmentStore>(),
            provider.GetRequiredService<UpstreamRelay>(),
            provider.GetRequiredService<ProfileCatalog>(),
            provider.GetRequiredService<TransactionLocks>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<AuditRecorder>()));
        return services;
    }
}

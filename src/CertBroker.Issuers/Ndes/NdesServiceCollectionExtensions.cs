using CertBroker.Core.Backends;
using CertBroker.Core.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CertBroker.Issuers.Ndes;

public static class NdesServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="NdesUpstream"/> for every <c>Backend=Ndes</c> profile (their RA identities and caches
    /// under <paramref name="dataDirectory"/>/upstream/&lt;profile&gt;), for the <see cref="UpstreamBackendProvider"/> to make
    /// each such profile's backend from, and <see cref="UpstreamCaRefresher"/> to make them ready and keep them fresh.
    /// </summary>
    public static IServiceCollection AddNdesUpstreams(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton(provider =>
        {
            TimeProvider time = provider.GetRequiredService<TimeProvider>();
            ILoggerFactory loggers = provider.GetRequiredService<ILoggerFactory>();
            return new NdesUpstreams(provider.GetRequiredService<ProfileCatalog>().All
                .Where(p => p.Options.Backend == ProfileBackend.Ndes)
                .Select(p => new NdesUpstream(p.Name, p.Options.Ndes, dataDirectory, time, loggers.CreateLogger<NdesUpstream>()))
                .ToList());
        });
        services.AddSingleton<IEnumerable<IUpstreamCa>>(provider => provider.GetRequiredService<NdesUpstreams>().All);
        services.AddHostedService<UpstreamCaRefresher>();
        return services;
    }
}

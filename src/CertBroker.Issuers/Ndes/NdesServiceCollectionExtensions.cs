using CertBroker.Core.Issuing;
using CertBroker.Core.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CertBroker.Issuers.Ndes;

/// <summary>The upstream CAs of all <c>Backend=Ndes</c> profiles, one per profile.</summary>
public sealed class NdesUpstreams(IReadOnlyList<NdesUpstream> all) : IDisposable
{
    public IReadOnlyList<NdesUpstream> All { get; } = all;

    public void Dispose()
    {
        foreach (NdesUpstream upstream in All)
        {
            upstream.Dispose();
        }
    }
}

public static class NdesServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="NdesUpstream"/> for every <c>Backend=Ndes</c> profile (their RA identities and caches
    /// under <paramref name="dataDirectory"/>/upstream/&lt;profile&gt;), <see cref="ProfileBackends"/> over them and the
    /// embedded CA, and <see cref="UpstreamCaRefresher"/> to make them ready and keep them fresh.
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
        services.AddSingleton(provider => new ProfileBackends(
            provider.GetRequiredService<IRegistrationAuthority>(),
            provider.GetRequiredService<ICertificateIssuer>(),
            provider.GetRequiredService<NdesUpstreams>().All));
        services.AddHostedService<UpstreamCaRefresher>();
        return services;
    }
}

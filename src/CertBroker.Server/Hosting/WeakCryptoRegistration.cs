using CertBroker.Core.Inventory;
using CertBroker.Core.Policy;
using CertBroker.Core.Renewal;
using CertBroker.Server.Jobs;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Hosting;

internal static class WeakCryptoRegistration
{
    /// <summary>
    /// The weak-crypto policy (thresholds from <c>CertBroker:WeakCrypto</c>, each profile's mode from its own
    /// section), the re-scan over the inventory, and the start-up check that re-scans when the settings changed.
    /// </summary>
    public static IServiceCollection AddWeakCryptoPolicy(this IServiceCollection services)
    {
        services.AddOptions<WeakCryptoOptions>().BindConfiguration(WeakCryptoOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WeakCryptoOptions>, WeakCryptoOptionsValidator>();
        services.AddSingleton(provider => KeyBlocklist.Load(provider.GetRequiredService<IOptions<WeakCryptoOptions>>().Value));
        services.AddSingleton(provider => new WeakCryptoPolicy(
            provider.GetRequiredService<IOptions<WeakCryptoOptions>>().Value, provider.GetRequiredService<KeyBlocklist>()));
        services.AddSingleton<PolicyRescan>();
        services.AddSingleton<IPolicyRescan>(provider => provider.GetRequiredService<PolicyRescan>());
        services.AddSingleton<CertificateImporter>();
        services.AddHostedService<PolicyChangeCheck>();
        return services;
    }
}

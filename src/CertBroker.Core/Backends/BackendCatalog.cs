using System.Collections.Concurrent;
using CertBroker.Core.Profiles;

namespace CertBroker.Core.Backends;

/// <summary>
/// The backend of every profile, made once by the provider registered for the profile's <c>Backend</c> kind: the
/// only place a profile's kind is read. Configured profiles get theirs at start-up, so a kind without a provider
/// stops the broker before it listens.
/// </summary>
public sealed class BackendCatalog
{
    private readonly ConcurrentDictionary<string, ICaBackend> _backends = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<ProfileBackend, IBackendProvider> _providers;

    /// <exception cref="InvalidOperationException">A configured profile's kind has no provider registered.</exception>
    public BackendCatalog(ProfileCatalog profiles, IEnumerable<IBackendProvider> providers)
    {
        _providers = providers.ToDictionary(p => p.Kind);
        foreach (ScepProfile profile in profiles.All)
        {
            For(profile);
        }
    }

    /// <exception cref="InvalidOperationException">The profile's kind has no provider registered.</exception>
    public ICaBackend For(ScepProfile profile) => _backends.GetOrAdd(profile.Name, static (_, state) =>
    {
        (ScepProfile profile, Dictionary<ProfileBackend, IBackendProvider> providers) = state;
        return providers.TryGetValue(profile.Options.Backend, out IBackendProvider? provider)
            ? provider.Create(profile)
            : throw new InvalidOperationException($"Profile {profile.Name}: no backend of kind {profile.Options.Backend} is registered.");
    }, (profile, _providers));
}

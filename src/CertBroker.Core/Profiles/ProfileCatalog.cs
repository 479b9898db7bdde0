using Microsoft.Extensions.Options;

namespace CertBroker.Core.Profiles;

/// <summary>The configured profiles by name, resolved once at start-up.</summary>
public sealed class ProfileCatalog
{
    private readonly Dictionary<string, ScepProfile> _profiles;

    public ProfileCatalog(IOptions<BrokerOptions> options)
    {
        BrokerOptions broker = options.Value;
        _profiles = new Dictionary<string, ScepProfile>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, ProfileOptions profile) in broker.Profiles)
        {
            _profiles[name] = new ScepProfile(name, profile);
        }

        if (!_profiles.ContainsKey(BrokerOptions.DefaultProfileName))
        {
            _profiles[BrokerOptions.DefaultProfileName] = new ScepProfile(BrokerOptions.DefaultProfileName, new ProfileOptions());
        }

        PathProfiles = broker.PathProfiles.Count == 0
            ? BrokerOptions.DefaultPathProfiles
            : new Dictionary<string, string>(broker.PathProfiles, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Fixed SCEP paths (NDES, Cisco) and the profile each serves.</summary>
    public IReadOnlyDictionary<string, string> PathProfiles { get; }

    public IEnumerable<ScepProfile> All => _profiles.Values;

    public ScepProfile? Find(string name) => _profiles.GetValueOrDefault(name);
}

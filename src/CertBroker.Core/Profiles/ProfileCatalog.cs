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
            NdesOptionsValidation.ApplyChallenge(profile);
            _profiles[name] = new ScepProfile(name, profile);
        }

        if (!_profiles.ContainsKey(BrokerOptions.DefaultProfileName))
        {
            _profiles[BrokerOptions.DefaultProfileName] = new ScepProfile(BrokerOptions.DefaultProfileName, new ProfileOptions());
        }

        // Configured paths add to the built-in NDES and Cisco paths; mapping a path to "" removes it.
        var paths = new Dictionary<string, string>(BrokerOptions.DefaultPathProfiles, StringComparer.OrdinalIgnoreCase);
        foreach ((string path, string profile) in broker.PathProfiles)
        {
            if (string.IsNullOrEmpty(profile))
            {
                paths.Remove(path);
            }
            else
            {
                paths[path] = profile;
            }
        }

        PathProfiles = paths;
    }

    /// <summary>Fixed SCEP paths (NDES, Cisco) and the profile each serves.</summary>
    public IReadOnlyDictionary<string, string> PathProfiles { get; }

    public IEnumerable<ScepProfile> All => _profiles.Values;

    public ScepProfile? Find(string name) => _profiles.GetValueOrDefault(name);
}

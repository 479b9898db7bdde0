using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Profiles;

/// <summary>Top-level broker settings, bound from the <c>CertBroker</c> configuration section.</summary>
public sealed class BrokerOptions
{
    public const string SectionName = "CertBroker";

    /// <summary>The profile served at <c>/scep</c> and on the NDES and Cisco paths.</summary>
    public const string DefaultProfileName = "default";

    /// <summary>Where the SQLite database, the logs and generated dev keys live. Default <c>./data</c>.</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>Enrolment profiles by name. A <c>default</c> profile exists even when none is configured.</summary>
    public Dictionary<string, ProfileOptions> Profiles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Fixed SCEP paths and the profile each serves, added to the built-in ones: <c>/certsrv/mscep/mscep.dll</c>,
    /// <c>/certsrv/mscep/mscep.dll/pkiclient.exe</c> and <c>/cgi-bin/pkiclient.exe</c> serve <c>default</c>.
    /// Mapping a path to an empty string removes it.
    /// </summary>
    public Dictionary<string, string> PathProfiles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Largest SCEP message accepted, decoded, in bytes. Default 65536 (64 KiB).</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    public static IReadOnlyDictionary<string, string> DefaultPathProfiles { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["/certsrv/mscep/mscep.dll"] = DefaultProfileName,
        ["/certsrv/mscep/mscep.dll/pkiclient.exe"] = DefaultProfileName,
        ["/cgi-bin/pkiclient.exe"] = DefaultProfileName,
    };
}

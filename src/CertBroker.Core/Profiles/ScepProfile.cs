using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Names;
using CertBroker.Scep;

namespace CertBroker.Core.Profiles;

/// <summary>A profile resolved from configuration, with defaults applied and names turned into values once.</summary>
public sealed class ScepProfile
{
    private static readonly Dictionary<string, string> EkuNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ClientAuth"] = "1.3.6.1.5.5.7.3.2",
        ["ServerAuth"] = "1.3.6.1.5.5.7.3.1",
        ["CodeSigning"] = "1.3.6.1.5.5.7.3.3",
        ["EmailProtection"] = "1.3.6.1.5.5.7.3.4",
        ["IpsecIke"] = "1.3.6.1.5.5.7.3.17",
    };

    public ScepProfile(string name, ProfileOptions options)
    {
        Name = name;
        Options = options;
        X509KeyUsageFlags usage = X509KeyUsageFlags.None;
        foreach (X509KeyUsageFlags flag in options.KeyUsage)
        {
            usage |= flag;
        }

        if (usage == X509KeyUsageFlags.None)
        {
            usage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment;
        }

        List<string> ekus = options.ExtendedKeyUsage.Count == 0
            ? [EkuNames["ClientAuth"]]
            : options.ExtendedKeyUsage.Where(e => !IsNone(e)).Select(e => EkuNames.TryGetValue(e, out string? oid) ? oid : e).ToList();
        // Problems are reported by BrokerOptionsValidator at start-up; a profile is only made from valid options.
        Names = new NamePolicy(NamePolicySettings.Create(options.Names, name, []));
        Template = new CertificateTemplate(TimeSpan.FromDays(options.ValidityDays), usage, ekus);
        // Strongest first whatever the configured order: certmonger takes the first cipher GetCACaps names.
        Ciphers = options.Ciphers.Count == 0
            ? [CaCapabilities.Aes, CaCapabilities.Des3]
            : [.. options.Ciphers.Select(Canonical).OrderBy(c => c == CaCapabilities.Aes ? 0 : 1)];
        Digests = options.Digests.Count == 0
            ? [CaCapabilities.Sha512, CaCapabilities.Sha384, CaCapabilities.Sha256, CaCapabilities.Sha1]
            : [.. options.Digests.Select(Canonical)];
    }

    public string Name { get; }

    public ProfileOptions Options { get; }

    public CertificateTemplate Template { get; }

    /// <summary>Which names the profile's certificates may carry.</summary>
    public NamePolicy Names { get; }

    public IReadOnlyList<string> Ciphers { get; }

    public IReadOnlyList<string> Digests { get; }

    /// <summary>Known EKU names, for validation messages.</summary>
    public static IReadOnlyCollection<string> ExtendedKeyUsageNames => EkuNames.Keys;

    public static bool IsKnownExtendedKeyUsage(string value) =>
        IsNone(value) || EkuNames.ContainsKey(value) || System.Text.RegularExpressions.Regex.IsMatch(value, @"^[0-2](\.\d+)+$");

    /// <summary>The capability keywords a profile may list, in their GetCACaps spelling.</summary>
    public static IReadOnlyList<string> KnownCiphers { get; } = [CaCapabilities.Aes, CaCapabilities.Des3];

    public static IReadOnlyList<string> KnownDigests { get; } = [CaCapabilities.Sha512, CaCapabilities.Sha384, CaCapabilities.Sha256, CaCapabilities.Sha1];

    private static bool IsNone(string value) => value.Equals("None", StringComparison.OrdinalIgnoreCase);

    private static string Canonical(string keyword) =>
        KnownCiphers.Concat(KnownDigests).FirstOrDefault(k => k.Equals(keyword, StringComparison.OrdinalIgnoreCase)) ?? keyword;

    /// <summary>
    /// The GetCACaps keywords (RFC 8894 §3.5.2), strongest cipher first because certmonger takes the first one named.
    /// </summary>
    public IReadOnlyList<string> Capabilities(bool hasNextCa)
    {
        var capabilities = new List<string>(Ciphers);
        capabilities.AddRange(Digests);
        capabilities.Add(CaCapabilities.PostPkiOperation);
        if (Options.AllowRenewal)
        {
            capabilities.Add(CaCapabilities.Renewal);
        }

        if (hasNextCa)
        {
            capabilities.Add(CaCapabilities.GetNextCaCert);
        }

        // SCEPStandard promises AES, SHA-256 and POST (RFC 8894 §3.5.2): only when the profile offers all three.
        if (Ciphers.Contains(CaCapabilities.Aes, StringComparer.OrdinalIgnoreCase)
            && Digests.Contains(CaCapabilities.Sha256, StringComparer.OrdinalIgnoreCase))
        {
            capabilities.Add(CaCapabilities.ScepStandard);
        }

        return capabilities;
    }
}

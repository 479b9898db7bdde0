using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace CertBroker.Core.Names;

/// <summary><see cref="NamePolicyOptions"/> turned into values once: parsed types, ranges and compiled patterns.</summary>
public sealed class NamePolicySettings
{
    /// <summary>The most a pattern may spend on one value; patterns run without backtracking, so this is a backstop.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(50);

    private NamePolicySettings(NamePolicyOptions options)
    {
        Options = options;
    }

    public NamePolicyOptions Options { get; }

    public HashSet<string> AllowedAttributeOids { get; } = new(StringComparer.Ordinal);

    public HashSet<GeneralNameType> AllowedAltNameTypes { get; } = [];

    public IReadOnlyList<string> DnsSuffixes { get; private init; } = [];

    public IReadOnlyList<string> EmailDomains { get; private init; } = [];

    public IReadOnlyList<string> UpnSuffixes { get; private init; } = [];

    /// <summary>Lower case, compared without case.</summary>
    public IReadOnlyList<string> KerberosRealms { get; private init; } = [];

    public List<IPNetwork> IpRanges { get; } = [];

    public Dictionary<string, Regex> Patterns { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The attributes of <see cref="NamePolicyOptions.FixedSubject"/> in encoding order; null when unset.</summary>
    public IReadOnlyList<SubjectAttribute>? FixedSubject { get; private set; }

    /// <summary>Compiles <paramref name="options"/>; every problem is added to <paramref name="problems"/> with its key.</summary>
    /// <param name="options">The profile's name options.</param>
    /// <param name="prefix">The configuration path of the section, for messages.</param>
    /// <param name="problems">Where problems go.</param>
    public static NamePolicySettings Create(NamePolicyOptions options, string prefix, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(problems);
        var settings = new NamePolicySettings(options)
        {
            DnsSuffixes = Domains(options.DnsSuffixes, $"{prefix}:{nameof(NamePolicyOptions.DnsSuffixes)}", problems),
            EmailDomains = Domains(options.EmailDomains, $"{prefix}:{nameof(NamePolicyOptions.EmailDomains)}", problems),
            UpnSuffixes = Domains(options.UpnSuffixes, $"{prefix}:{nameof(NamePolicyOptions.UpnSuffixes)}", problems),
            KerberosRealms = Domains(options.KerberosRealms, $"{prefix}:{nameof(NamePolicyOptions.KerberosRealms)}", problems),
        };
        foreach (string name in options.SubjectAttributes.Count == 0 ? ["CN", "serialNumber"] : options.SubjectAttributes)
        {
            if (SubjectAttributeType.FromName(name) is { } type)
            {
                settings.AllowedAttributeOids.Add(type.Oid);
            }
            else
            {
                problems.Add($"{prefix}:{nameof(NamePolicyOptions.SubjectAttributes)}: '{name}' is not one of {string.Join(", ", SubjectAttributeType.All.Select(a => a.Name))}.");
            }
        }

        foreach (string name in options.SubjectAltNameTypes.Count == 0 ? ["dNSName", "iPAddress"] : options.SubjectAltNameTypes)
        {
            if (GeneralNameTypes.Parse(name) is { } type)
            {
                settings.AllowedAltNameTypes.Add(type);
            }
            else
            {
                problems.Add($"{prefix}:{nameof(NamePolicyOptions.SubjectAltNameTypes)}: '{name}' is not one of {string.Join(", ", GeneralNameTypes.All)}.");
            }
        }

        if (settings.AllowedAltNameTypes.Contains(GeneralNameType.Upn) && settings.UpnSuffixes.Count == 0)
        {
            problems.Add($"{prefix}:{nameof(NamePolicyOptions.UpnSuffixes)} must name at least one suffix when upn is allowed: a UPN names an account, and any suffix would let a device name any user.");
        }

        if (settings.AllowedAltNameTypes.Contains(GeneralNameType.KerberosPrincipal) && settings.KerberosRealms.Count == 0)
        {
            problems.Add($"{prefix}:{nameof(NamePolicyOptions.KerberosRealms)} must name at least one realm when kerberosPrincipal is allowed: a principal names an account.");
        }

        if (options.MaxSubjectAltNames is < 0 or > CertificateNames.MaxEntries)
        {
            problems.Add($"{prefix}:{nameof(NamePolicyOptions.MaxSubjectAltNames)} must be between 0 and {CertificateNames.MaxEntries}; got {options.MaxSubjectAltNames}.");
        }

        foreach (string range in options.IpRanges)
        {
            if (IPNetwork.TryParse(range, out IPNetwork network))
            {
                settings.IpRanges.Add(network);
            }
            else
            {
                problems.Add($"{prefix}:{nameof(NamePolicyOptions.IpRanges)}: '{range}' is not a CIDR range such as 10.20.0.0/16.");
            }
        }

        foreach (string uriPrefix in options.UriPrefixes)
        {
            if (string.IsNullOrWhiteSpace(uriPrefix) || uriPrefix.Any(char.IsControl))
            {
                problems.Add($"{prefix}:{nameof(NamePolicyOptions.UriPrefixes)}: prefixes must be non-empty text without control characters.");
            }
        }

        foreach ((string type, string pattern) in options.Patterns)
        {
            if (SubjectAttributeType.FromName(type) is null && GeneralNameTypes.Parse(type) is null)
            {
                problems.Add($"{prefix}:{nameof(NamePolicyOptions.Patterns)}:{type} is neither a subject attribute nor a subjectAltName type.");
                continue;
            }

            try
            {
                settings.Patterns[CanonicalType(type)] = new Regex($"^(?:{pattern})$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, PatternTimeout);
            }
            catch (ArgumentException ex)
            {
                problems.Add($"{prefix}:{nameof(NamePolicyOptions.Patterns)}:{type} is not a regular expression .NET can run without backtracking: {ex.Message}");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.FixedSubject))
        {
            settings.FixedSubject = FixedAttributes(options.FixedSubject, $"{prefix}:{nameof(NamePolicyOptions.FixedSubject)}", problems);
        }

        return settings;
    }

    /// <summary>The name a pattern is filed under: the attribute's or the entry type's configuration name.</summary>
    public static string CanonicalType(string type) =>
        SubjectAttributeType.FromName(type)?.Name ?? (GeneralNameTypes.Parse(type) is { } altType ? GeneralNameTypes.Name(altType) : type);

    private static List<string> Domains(List<string> values, string key, List<string> problems)
    {
        var domains = new List<string>();
        foreach (string value in values)
        {
            string domain = value.Trim().TrimStart('.').ToLowerInvariant();
            if (DnsNameRule.Problem(domain, allowWildcard: false) is { } problem)
            {
                problems.Add($"{key}: '{value}' is not a domain name ({problem}).");
            }
            else
            {
                domains.Add(domain);
            }
        }

        return domains;
    }

    private static List<SubjectAttribute>? FixedAttributes(string text, string key, List<string> problems)
    {
        X500DistinguishedName name;
        try
        {
            name = new X500DistinguishedName(text, X500DistinguishedNameFlags.UseCommas);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            problems.Add($"{key}: '{text}' is not a distinguished name ({ex.Message}).");
            return null;
        }

        IReadOnlyList<SubjectAttribute> attributes;
        try
        {
            attributes = NameReader.ReadName(name.RawData);
        }
        catch (NameFormatException ex)
        {
            problems.Add($"{key}: '{text}' cannot be used: {ex.Message}");
            return null;
        }

        var fixedAttributes = new List<SubjectAttribute>();
        foreach (SubjectAttribute attribute in attributes)
        {
            if (!SubjectAttributeType.All.Contains(attribute.Type) || attribute.Type == SubjectAttributeType.CommonName || attribute.Type == SubjectAttributeType.SerialNumber)
            {
                problems.Add($"{key}: {attribute.Type.Name} cannot be fixed (CN and serialNumber come from the request; known attributes are {string.Join(", ", SubjectAttributeType.All.Select(a => a.Name))}).");
                continue;
            }

            if ((CharacterRule.Problem(attribute.Type, attribute.Value) ?? LengthRule.Problem(attribute.Type.UpperBound, attribute.Value)) is { } problem)
            {
                problems.Add($"{key}: {attribute}: {problem}");
                continue;
            }

            fixedAttributes.Add(attribute);
        }

        return fixedAttributes;
    }
}

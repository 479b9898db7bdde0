namespace CertBroker.Core.Names;

/// <summary>
/// NAME-DNS: a dNSName (and a CN that must be one) is letters, digits and hyphens in labels of 1 to 63 characters,
/// international names only as valid IDNA A-labels, a wildcard only as a whole first label when the profile allows
/// it, and under one of the profile's DNS suffixes when it has any.
/// </summary>
public sealed class DnsNameRule(NamePolicySettings settings) : INameRule
{
    public string Id => "NAME-DNS";

    public string? Check(NameCandidate candidate)
    {
        // With DNS suffixes set, a CN that looks like a host name is one: TLS clients fall back to it without a SAN.
        bool hostLikeCommonName = settings.DnsSuffixes.Count > 0 && candidate.Attribute?.Type == SubjectAttributeType.CommonName
            && candidate.Value.Contains('.') && !candidate.Value.Any(char.IsWhiteSpace);
        if (!candidate.IsDnsName(settings.Options.CommonName) && !hostLikeCommonName)
        {
            return null;
        }

        string name = candidate.Value;
        return Problem(name, settings.Options.AllowWildcards) ?? SuffixProblem(name.ToLowerInvariant(), settings.DnsSuffixes);
    }

    /// <summary>Why <paramref name="name"/> is not a DNS name, or null.</summary>
    public static string? Problem(string name, bool allowWildcard)
    {
        if (name.Length is 0 or > LengthRule.MaxDnsName)
        {
            return $"a DNS name has 1 to {LengthRule.MaxDnsName} characters";
        }

        string[] labels = name.Split('.');
        if (labels[0] == "*")
        {
            if (!allowWildcard)
            {
                return "wildcards are not allowed by the profile";
            }

            if (labels.Length < 3)
            {
                return "a wildcard must stand for one label under a domain of at least two labels";
            }

            labels = labels[1..];
        }

        foreach (string label in labels)
        {
            if (label.Length is 0 or > 63)
            {
                return "every label has 1 to 63 characters (no empty label, no trailing dot)";
            }

            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || label[0] == '-' || label[^1] == '-')
            {
                return label.Contains('*') ? "a wildcard may only be the whole first label" : "labels hold letters, digits and inner hyphens only";
            }

            if (label.Length >= 4 && label[2] == '-' && label[3] == '-')
            {
                if (!label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase) || !Punycode.IsValidALabel(label))
                {
                    return $"the label '{label}' is not a valid IDNA A-label";
                }
            }
        }

        return labels[^1].All(char.IsAsciiDigit) ? "the top-level label is numeric (an IP address belongs in iPAddress)" : null;
    }

    /// <summary>Why <paramref name="name"/> (lower case) is not under one of <paramref name="suffixes"/>, or null.</summary>
    public static string? SuffixProblem(string name, IReadOnlyList<string> suffixes)
    {
        if (suffixes.Count == 0)
        {
            return null;
        }

        string bare = name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name;
        return suffixes.Any(s => bare == s || bare.EndsWith("." + s, StringComparison.Ordinal))
            ? null
            : $"not under an allowed domain ({string.Join(", ", suffixes)})";
    }
}

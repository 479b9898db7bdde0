namespace CertBroker.Core.Names;

/// <summary>Configuration names of <see cref="GeneralNameType"/>: the RFC 5280 field names, and "upn".</summary>
public static class GeneralNameTypes
{
    private static readonly (GeneralNameType Type, string Name)[] Names =
    [
        (GeneralNameType.DnsName, "dNSName"),
        (GeneralNameType.IpAddress, "iPAddress"),
        (GeneralNameType.Rfc822Name, "rfc822Name"),
        (GeneralNameType.Uri, "uniformResourceIdentifier"),
        (GeneralNameType.Upn, "upn"),
        (GeneralNameType.DirectoryName, "directoryName"),
        (GeneralNameType.KerberosPrincipal, "kerberosPrincipal"),
    ];

    public static IEnumerable<string> All => Names.Select(n => n.Name);

    public static string Name(GeneralNameType type) => type == GeneralNameType.Other ? "other" : Names.First(n => n.Type == type).Name;

    /// <summary>By configuration name, case-insensitive; "URI" is accepted for uniformResourceIdentifier.</summary>
    public static GeneralNameType? Parse(string name)
    {
        if (string.Equals(name, "URI", StringComparison.OrdinalIgnoreCase))
        {
            return GeneralNameType.Uri;
        }

        foreach ((GeneralNameType type, string known) in Names)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                return type;
            }
        }

        return null;
    }
}

namespace CertBroker.Core.Names;

/// <summary>NAME-LENGTH: RFC 5280 upper bounds for attributes, and fixed bounds for subjectAltName entries.</summary>
public sealed class LengthRule : INameRule
{
    /// <summary>RFC 1035 §2.3.4 (without the trailing dot).</summary>
    public const int MaxDnsName = 253;

    /// <summary>RFC 5280 ub-emailaddress-length.</summary>
    public const int MaxMailbox = 255;

    /// <summary>Active Directory's rangeUpper of userPrincipalName.</summary>
    public const int MaxUpn = 1024;

    public const int MaxUri = 1024;

    public string Id => "NAME-LENGTH";

    public string? Check(NameCandidate candidate) => candidate switch
    {
        { Attribute: { } attribute } => Problem(attribute.Type.UpperBound, attribute.Value),
        { Alternative: { Type: GeneralNameType.DirectoryName } directory } =>
            directory.Directory.Select(a => Problem(a.Type.UpperBound, a.Value)).FirstOrDefault(p => p is not null),
        { Alternative: { } name } => Problem(name.Type switch
        {
            GeneralNameType.DnsName => MaxDnsName,
            GeneralNameType.Rfc822Name => MaxMailbox,
            GeneralNameType.Upn or GeneralNameType.KerberosPrincipal => MaxUpn,
            _ => MaxUri,
        }, name.Value),
        _ => null,
    };

    public static string? Problem(int upperBound, string value)
    {
        // Code points, not text elements: a letter with a thousand combining marks is one text element.
        int length = value.EnumerateRunes().Count();
        return upperBound > 0 && length > upperBound ? $"the value has {length} characters, more than the upper bound of {upperBound}" : null;
    }
}

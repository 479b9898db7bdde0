namespace CertBroker.Core.Names;

/// <summary>One subjectAltName entry, as decoded text; a directoryName also keeps its attributes.</summary>
public sealed record AlternativeName(GeneralNameType Type, string Value)
{
    /// <summary>The attributes of a <see cref="GeneralNameType.DirectoryName"/>; empty for the other types.</summary>
    public IReadOnlyList<SubjectAttribute> Directory { get; init; } = [];

    /// <summary>The name-type of a <see cref="GeneralNameType.KerberosPrincipal"/> (RFC 4120 §6.2); 0 for the other types.</summary>
    public int KerberosNameType { get; init; }

    /// <summary>The configuration name of <see cref="Type"/>.</summary>
    public string TypeName => GeneralNameTypes.Name(Type);

    /// <summary>As OpenSSL prints it ("DNS:name", "IP Address:addr", "email:…", "URI:…"), plus "UPN:…" and "DirName:…".</summary>
    public override string ToString() => Type switch
    {
        GeneralNameType.DnsName => $"DNS:{Value}",
        GeneralNameType.IpAddress => $"IP Address:{Value}",
        GeneralNameType.Rfc822Name => $"email:{Value}",
        GeneralNameType.Uri => $"URI:{Value}",
        GeneralNameType.Upn => $"UPN:{Value}",
        GeneralNameType.KerberosPrincipal => $"Kerberos:{Value}",
        GeneralNameType.DirectoryName => $"DirName:{Value}",
        _ => Value,
    };

    /// <summary>Whether two entries name the same thing: DNS names, domains and IP addresses ignore case.</summary>
    public bool SameAs(AlternativeName other) =>
        Type == other.Type && KerberosNameType == other.KerberosNameType
        && string.Equals(Value, other.Value, Type is GeneralNameType.Uri or GeneralNameType.DirectoryName or GeneralNameType.KerberosPrincipal
            ? StringComparison.Ordinal
            : StringComparison.OrdinalIgnoreCase);
}

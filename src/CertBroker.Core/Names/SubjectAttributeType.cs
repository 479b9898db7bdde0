namespace CertBroker.Core.Names;

/// <summary>
/// A subject attribute the broker can check and re-encode, with its RFC 5280 Appendix A upper bound and the string
/// type it is written in.
/// </summary>
/// <param name="Name">The configuration name (the short name OpenSSL prints).</param>
/// <param name="Oid">The attribute type.</param>
/// <param name="UpperBound">The most characters a value may have.</param>
/// <param name="Encoding">How the value is written: a DirectoryString, or PrintableString or IA5String only.</param>
public sealed record SubjectAttributeType(string Name, string Oid, int UpperBound, AttributeEncoding Encoding)
{
    public static readonly SubjectAttributeType CommonName = new("CN", "2.5.4.3", 64, AttributeEncoding.DirectoryString);
    public static readonly SubjectAttributeType SerialNumber = new("serialNumber", "2.5.4.5", 64, AttributeEncoding.Printable);
    public static readonly SubjectAttributeType Country = new("C", "2.5.4.6", 2, AttributeEncoding.Printable);
    public static readonly SubjectAttributeType Locality = new("L", "2.5.4.7", 128, AttributeEncoding.DirectoryString);
    public static readonly SubjectAttributeType State = new("ST", "2.5.4.8", 128, AttributeEncoding.DirectoryString);
    public static readonly SubjectAttributeType Organization = new("O", "2.5.4.10", 64, AttributeEncoding.DirectoryString);
    public static readonly SubjectAttributeType OrganizationalUnit = new("OU", "2.5.4.11", 64, AttributeEncoding.DirectoryString);
    public static readonly SubjectAttributeType EmailAddress = new("emailAddress", "1.2.840.113549.1.9.1", 255, AttributeEncoding.Ia5);
    public static readonly SubjectAttributeType DomainComponent = new("DC", "0.9.2342.19200300.100.1.25", 63, AttributeEncoding.Ia5);
    public static readonly SubjectAttributeType UserId = new("UID", "0.9.2342.19200300.100.1.1", 256, AttributeEncoding.DirectoryString);
    public static readonly SubjectAttributeType UnstructuredName = new("unstructuredName", "1.2.840.113549.1.9.2", 255, AttributeEncoding.Ia5);
    public static readonly SubjectAttributeType UnstructuredAddress = new("unstructuredAddress", "1.2.840.113549.1.9.8", 255, AttributeEncoding.DirectoryString);

    /// <summary>Every attribute a profile may allow; anything else in a subject is refused or dropped.</summary>
    public static IReadOnlyList<SubjectAttributeType> All { get; } =
    [
        CommonName, SerialNumber, Country, Locality, State, Organization, OrganizationalUnit, EmailAddress, DomainComponent,
        UserId, UnstructuredName, UnstructuredAddress,
    ];

    public static SubjectAttributeType? FromOid(string oid) => All.FirstOrDefault(a => a.Oid == oid);

    /// <summary>By configuration name (case-insensitive) or OID.</summary>
    public static SubjectAttributeType? FromName(string name) =>
        All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase) || a.Oid == name);
}

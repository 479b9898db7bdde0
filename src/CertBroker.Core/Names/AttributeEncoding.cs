namespace CertBroker.Core.Names;

/// <summary>The ASN.1 string type a subject attribute's value is written in.</summary>
public enum AttributeEncoding
{
    /// <summary>PrintableString when every character allows it, else UTF8String (RFC 5280 §4.1.2.6).</summary>
    DirectoryString,

    /// <summary>PrintableString only (countryName, serialNumber).</summary>
    Printable,

    /// <summary>IA5String only (emailAddress, domainComponent, unstructuredName).</summary>
    Ia5,
}

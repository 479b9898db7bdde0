namespace CertBroker.Core.Names;

/// <summary>The subjectAltName entry types the broker can check and re-encode (RFC 5280 §4.2.1.6).</summary>
public enum GeneralNameType
{
    DnsName,
    IpAddress,
    Rfc822Name,
    Uri,

    /// <summary>otherName with type-id 1.3.6.1.4.1.311.20.2.3, a Microsoft user principal name.</summary>
    Upn,
    DirectoryName,

    /// <summary>otherName with type-id 1.3.6.1.5.2.2 (RFC 4556 KRB5PrincipalName), as certmonger's <c>-K</c> sends.</summary>
    KerberosPrincipal,

    /// <summary>Any other entry (another otherName, x400Address, ediPartyName, registeredID): never issued.</summary>
    Other,
}

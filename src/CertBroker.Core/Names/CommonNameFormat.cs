namespace CertBroker.Core.Names;

/// <summary>What a subject CN must be besides printable text within 64 characters.</summary>
public enum CommonNameFormat
{
    /// <summary>Any text that passes the character rule and the CN pattern, if one is set.</summary>
    Any,

    /// <summary>A DNS name that passes every dNSName rule (syntax, IDNA, wildcards, suffixes).</summary>
    DnsName,
}

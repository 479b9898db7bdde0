namespace CertBroker.Server.Hosting;

/// <summary>
/// <c>CertBroker:ForwardedHeaders</c>: the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto the broker
/// believes. Unset by default, and then the headers are ignored: the client address is the connection's, so nobody
/// can pick the address a lockout or the audit trail counts by sending a header.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string SectionName = "CertBroker:ForwardedHeaders";

    /// <summary>Addresses of trusted proxies (<c>10.0.0.5</c>, <c>::1</c>). Empty by default.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR form (<c>10.0.0.0/24</c>). Empty by default.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a chain are read from the right, 1 to 10. Default 1: one proxy in front.</summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Whether any proxy is trusted, and the headers are read at all.</summary>
    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

namespace CertBroker.Server.Syslog;

/// <summary>How messages reach the collector.</summary>
public enum SyslogTransport
{
    /// <summary>One message per datagram (RFC 5426). Lost silently if the collector is down or the network drops it.</summary>
    Udp,

    /// <summary>Plain TCP with octet-counting framing (RFC 6587 §3.4.1).</summary>
    Tcp,

    /// <summary>TLS 1.2 or 1.3 with octet-counting framing (RFC 5425).</summary>
    Tls,
}

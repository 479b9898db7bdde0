using CertBroker.Core.Audit;

namespace CertBroker.Server.Syslog;

/// <summary>
/// Where and how audit events are streamed as RFC 5424 syslog messages, bound from <c>CertBroker:Audit:Syslog</c>.
/// The collector is best effort: while it is down, events wait in a bounded buffer and the oldest are dropped.
/// </summary>
public sealed class SyslogOptions
{
    public const string SectionName = "CertBroker:Audit:Syslog";

    /// <summary>Standard port for syslog over UDP (RFC 5426) and plain TCP (RFC 6587).</summary>
    public const int DefaultPort = 514;

    /// <summary>Standard port for syslog over TLS (RFC 5425 §4.1).</summary>
    public const int DefaultTlsPort = 6514;

    /// <summary>Whether events are sent at all. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Collector host name or IP address. Required when <see cref="Enabled"/>.</summary>
    public string? Host { get; set; }

    /// <summary>Collector port. Default 514 for UDP and TCP, 6514 for TLS.</summary>
    public int? Port { get; set; }

    /// <summary>Transport to the collector. Default <see cref="SyslogTransport.Udp"/>.</summary>
    public SyslogTransport Transport { get; set; } = SyslogTransport.Udp;

    /// <summary>
    /// Facility of every message, by name (<c>AuthPriv</c>, <c>Local0</c> … <c>Local7</c>, …) or number.
    /// Default <see cref="SyslogFacility.AuthPriv"/> (10), where security events usually go.
    /// </summary>
    public SyslogFacility Facility { get; set; } = SyslogFacility.AuthPriv;

    /// <summary>APP-NAME of every message: 1 to 48 printable US-ASCII characters. Default <c>certbroker</c>.</summary>
    public string AppName { get; set; } = "certbroker";

    /// <summary>HOSTNAME of every message, at most 255 printable US-ASCII characters. Default the machine name.</summary>
    public string? Hostname { get; set; }

    /// <summary>
    /// SD-ID of the structured-data element carrying the event fields, in the <c>name@enterprise-number</c> form of
    /// RFC 5424 §6.3.2. Default <c>certbroker@32473</c>; 32473 is the example enterprise number of RFC 5612, so a
    /// site with its own IANA private enterprise number may prefer it here.
    /// </summary>
    public string StructuredDataId { get; set; } = "certbroker@32473";

    /// <summary>
    /// Events held while the collector is unreachable. When full, the oldest event is dropped and counted.
    /// Default 10000.
    /// </summary>
    public int BufferCapacity { get; set; } = 10_000;

    /// <summary>
    /// Largest message sent, in octets; longer messages lose the end of their text, then trailing structured-data
    /// parameters. Default 2048 over UDP (what RFC 5426 §3.2 says every receiver should accept) and 8192 over TCP and
    /// TLS (RFC 5425 §4.3.1). Between 1024 and 65507 over UDP, 1024 and 1048576 otherwise.
    /// </summary>
    public int? MaxMessageBytes { get; set; }

    /// <summary>
    /// TLS only: PEM file with the CA certificate(s) that must have issued the collector's certificate. Only these
    /// are trusted when set; revocation is not checked. Default unset: the system trust store.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>TLS only: PEM client certificate (leaf first, then any intermediates) for collectors that require one. Default unset.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>TLS only: PEM unencrypted private key of the client certificate. Default unset: read from <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientKeyPath { get; set; }

    /// <summary>TLS only: name sent in SNI and expected in the collector's certificate. Default <see cref="Host"/>.</summary>
    public string? ServerName { get; set; }

    /// <summary>Wait after the first failed connection or send. Doubles on every further failure up to <see cref="MaxReconnectDelay"/>. Default 5 seconds.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between reconnection attempts. Default 60 seconds.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Longest a connection attempt (name resolution, TCP, TLS handshake) or one write may take before the collector
    /// is treated as down. Default 10 seconds.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long shutdown waits for buffered events to reach the collector. Default 5 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><see cref="Port"/>, or the standard port of <see cref="Transport"/>.</summary>
    public int EffectivePort => Port ?? (Transport == SyslogTransport.Tls ? DefaultTlsPort : DefaultPort);

    /// <summary><see cref="Hostname"/>, or the machine name.</summary>
    public string EffectiveHostname => string.IsNullOrWhiteSpace(Hostname) ? Environment.MachineName : Hostname;

    /// <summary><see cref="ServerName"/>, or <see cref="Host"/>.</summary>
    public string EffectiveServerName => string.IsNullOrWhiteSpace(ServerName) ? Host ?? string.Empty : ServerName;

    /// <summary><see cref="MaxMessageBytes"/>, or the default of <see cref="Transport"/>.</summary>
    public int EffectiveMaxMessageBytes => MaxMessageBytes ?? (Transport == SyslogTransport.Udp ? 2048 : 8192);
}

using System.Globalization;

namespace CertBroker.Server.Syslog;

/// <summary>The header fields that are the same for every message this process sends (RFC 5424 §6.2).</summary>
public sealed record SyslogOrigin(
    SyslogFacility Facility,
    string Hostname,
    string AppName,
    string ProcId,
    string StructuredDataId)
{
    /// <summary>The origin configured in <paramref name="options"/>, with this process's id as PROCID.</summary>
    public static SyslogOrigin FromOptions(SyslogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SyslogOrigin(
            options.Facility,
            options.EffectiveHostname,
            options.AppName,
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            options.StructuredDataId);
    }
}

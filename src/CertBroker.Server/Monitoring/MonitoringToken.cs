using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Monitoring;

/// <summary>
/// Checks a bearer secret against <see cref="MonitoringOptions.Token"/> in constant time. Prometheus scrapes every
/// few seconds, so this is answered from configuration, without the token store or an audit record per scrape.
/// </summary>
internal sealed class MonitoringToken(IOptionsMonitor<MonitoringOptions> options)
{
    /// <summary>The name the caller gets; audit records and logs show it as the actor.</summary>
    public const string CallerName = "monitoring-token";

    public bool Matches(string presented)
    {
        if (options.CurrentValue.Token is not { Length: > 0 } token)
        {
            return false;
        }

        byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        byte[] actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}

using System.Net;
using System.Net.Sockets;

namespace CertBroker.Core.Accounts;

/// <summary>
/// What sign-in counters key a caller by: its address, or for IPv6 its /64, which one host usually has to itself and
/// can hop around in at will. A caller without an address (a test host, a Unix socket) counts as one shared source.
/// </summary>
public static class SourceNetwork
{
    public const string Unknown = "unknown";

    public static string Of(string? address)
    {
        if (address is null || !IPAddress.TryParse(address, out IPAddress? parsed))
        {
            return address is null ? Unknown : address;
        }

        if (parsed.IsIPv4MappedToIPv6)
        {
            return parsed.MapToIPv4().ToString();
        }

        if (parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return parsed.ToString();
        }

        byte[] bytes = parsed.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}

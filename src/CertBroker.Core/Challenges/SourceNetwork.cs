using System.Net;
using System.Net.Sockets;

namespace CertBroker.Core.Challenges;

/// <summary>The unit anonymous traffic is counted by: an IPv4 address, or an IPv6 address's /64, which one host
/// usually has to itself (counting single IPv6 addresses would let one host appear as billions).</summary>
public static class SourceNetwork
{
    public static string Of(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (IPAddress.TryParse(source, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6)
        {
            byte[] bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return source;
    }
}

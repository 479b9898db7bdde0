using System.Net;

namespace CertBroker.Core.Names;

/// <summary>NAME-IP: an iPAddress lies in one of the profile's ranges, when it has any, and is a unicast host address.</summary>
public sealed class IpAddressRule(NamePolicySettings settings) : INameRule
{
    public string Id => "NAME-IP";

    public string? Check(NameCandidate candidate)
    {
        if (candidate.Alternative is not { Type: GeneralNameType.IpAddress } name)
        {
            return null;
        }

        IPAddress address = IPAddress.Parse(name.Value);
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast)
            || address.IsIPv6Multicast || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.GetAddressBytes()[0] >= 224))
        {
            return "not a unicast host address";
        }

        return settings.IpRanges.Count == 0 || settings.IpRanges.Any(r => r.Contains(address))
            ? null
            : $"not in an allowed range ({string.Join(", ", settings.IpRanges)})";
    }
}

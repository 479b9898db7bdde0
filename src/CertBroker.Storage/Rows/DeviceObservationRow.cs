using CertBroker.Core.Inventory;
using CertBroker.Core.Model;

namespace CertBroker.Storage.Rows;

/// <summary>What an enrolment writes about its device, as the devices table holds it.</summary>
internal sealed class DeviceObservationRow
{
    public string IdentityKind { get; set; } = "";

    public string IdentityKey { get; set; } = "";

    public string? Name { get; set; }

    public string? SerialNumber { get; set; }

    public string? MacAddress { get; set; }

    public string? IpAddress { get; set; }

    public long SeenAt { get; set; }

    public string Profile { get; set; } = "";

    public static DeviceObservationRow From(DeviceObservation observation) => new()
    {
        IdentityKind = observation.Identity.Kind.ToString(),
        IdentityKey = observation.Identity.Key,
        Name = observation.Name,
        SerialNumber = observation.SerialNumber,
        MacAddress = observation.MacAddress,
        IpAddress = observation.IpAddress,
        SeenAt = UnixMicroseconds.From(observation.SeenAt),
        Profile = observation.Profile,
    };
}

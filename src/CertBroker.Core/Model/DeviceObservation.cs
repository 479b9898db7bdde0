namespace CertBroker.Core.Model;

/// <summary>
/// What one enrolment tells the inventory about a device: the identity it is found by and the facts a CSR carries.
/// The store creates the device from it, or updates when it was last seen; metadata an admin entered wins over it.
/// Made by <c>Inventory.DeviceObservations</c>.
/// </summary>
public sealed record DeviceObservation
{
    public required DeviceIdentity Identity { get; init; }

    /// <summary>The subject CN, used as the device's name until an admin gives it one.</summary>
    public string? Name { get; init; }

    public string? SerialNumber { get; init; }

    public string? MacAddress { get; init; }

    /// <summary>The address the request came from.</summary>
    public string? IpAddress { get; init; }

    public required string Profile { get; init; }

    public required DateTimeOffset SeenAt { get; init; }
}

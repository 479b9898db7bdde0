using CertBroker.Core.Model;

namespace CertBroker.Core.Inventory;

/// <summary>
/// One device in the inventory. The identity and the <c>*Seen</c> fields come from enrolments; the rest is metadata
/// an admin keeps, with the fields fleet tools collect for MFDs (manufacturer, model, serial, MAC, IP, location,
/// asset tag).
/// </summary>
public sealed record Device
{
    public long Id { get; init; }

    public required DeviceIdentity Identity { get; init; }

    public string? Name { get; init; }

    public string? Manufacturer { get; init; }

    public string? Model { get; init; }

    public string? SerialNumber { get; init; }

    /// <summary>Normalised: lower-case, colon-separated.</summary>
    public string? MacAddress { get; init; }

    public string? IpAddress { get; init; }

    public string? Location { get; init; }

    /// <summary>The person or group responsible for the device.</summary>
    public string? Owner { get; init; }

    public string? AssetTag { get; init; }

    public string? Notes { get; init; }

    /// <summary>First enrolment; null for a device added by an admin that has not enrolled yet.</summary>
    public DateTimeOffset? FirstSeen { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>The profile of the last enrolment.</summary>
    public string? LastProfile { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

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

/// <summary>Where a device's newest certificate stands.</summary>
public enum DeviceState
{
    /// <summary>No certificate yet.</summary>
    None,

    /// <summary>Valid beyond the expiry window.</summary>
    Valid,

    /// <summary>Valid, but ends within the expiry window.</summary>
    Expiring,

    Expired,

    Revoked,
}

/// <summary>A device with its newest certificate, as lists show it.</summary>
/// <param name="Renewal">Where that certificate is in its renewal life, with its last renewal attempt: a device that
/// passed its due time without renewing shows Overdue and why its last renewal failed.</param>
public sealed record DeviceListItem(
    Device Device, DeviceState State, string? CertificateSerial, DateTimeOffset? CertificateNotAfter, RenewalStatus? Renewal = null)
{
    /// <summary>The weak-crypto findings of the device: those of its newest certificate.</summary>
    public IReadOnlyList<Policy.Finding> Findings { get; init; } = [];
}

/// <summary>A certificate's renewal state, due time and last renewal attempt.</summary>
public sealed record RenewalStatus(
    Renewal.RenewalState State, DateTimeOffset? DueAt, DateTimeOffset? LastAttemptAt, string? LastResult);

/// <summary>A page of devices; every filter is optional.</summary>
public sealed record DeviceQuery
{
    /// <summary>Devices whose last enrolment used this profile.</summary>
    public string? Profile { get; init; }

    public DeviceState? State { get; init; }

    /// <summary>Devices whose newest certificate ends within this many days (expired ones excluded).</summary>
    public int? ExpiresWithinDays { get; init; }

    /// <summary>Case-insensitive text searched in name, identity, serial, MAC, IP, location, owner, asset tag and the certificate subject.</summary>
    public string? Text { get; init; }

    /// <summary>Where <see cref="DeviceState.Expiring"/> starts, in days before notAfter. Default 30.</summary>
    public int ExpiringWindowDays { get; init; } = 30;

    public required DateTimeOffset Now { get; init; }

    public int Limit { get; init; } = 100;

    public int Offset { get; init; }
}

/// <summary>An identity that is already taken by another device.</summary>
public sealed class DuplicateDeviceException(DeviceIdentity identity)
    : Exception($"A device with identity {identity} already exists.")
{
    public DeviceIdentity Identity { get; } = identity;
}

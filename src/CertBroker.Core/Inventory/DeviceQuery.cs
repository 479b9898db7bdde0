namespace CertBroker.Core.Inventory;

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

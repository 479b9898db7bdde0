using CertBroker.Core.Inventory;
using CertBroker.Core.Model;

namespace CertBroker.Storage.Rows;

/// <summary>
/// A devices row, with the newest certificate's facts when a list asks for them. Property names are the column
/// aliases of <c>SqliteDevices.Columns</c>.
/// </summary>
internal sealed class DeviceRow
{
    public long Id { get; set; }

    public string IdentityKind { get; set; } = "";

    public string IdentityKey { get; set; } = "";

    public string? Name { get; set; }

    public string? Manufacturer { get; set; }

    public string? Model { get; set; }

    public string? SerialNumber { get; set; }

    public string? MacAddress { get; set; }

    public string? IpAddress { get; set; }

    public string? Location { get; set; }

    public string? Owner { get; set; }

    public string? AssetTag { get; set; }

    public string? Notes { get; set; }

    public long? FirstSeen { get; set; }

    public long? LastSeen { get; set; }

    public string? LastProfile { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    public string? CertificateSerial { get; set; }

    public long? CertificateNotAfter { get; set; }

    public long? CertificateRevokedAt { get; set; }

    public long? CertificateRenewalState { get; set; }

    public long? CertificateRenewalDueAt { get; set; }

    public long? CertificateLastRenewalAttemptAt { get; set; }

    public string? CertificateLastRenewalResult { get; set; }

    /// <summary>The newest certificate's findings as a JSON array; "[]" without one.</summary>
    public string? CertificateFindings { get; set; }

    public static DeviceRow From(Device device) => new()
    {
        Id = device.Id,
        IdentityKind = device.Identity.Kind.ToString(),
        IdentityKey = device.Identity.Key,
        Name = device.Name,
        Manufacturer = device.Manufacturer,
        Model = device.Model,
        SerialNumber = device.SerialNumber,
        MacAddress = device.MacAddress,
        IpAddress = device.IpAddress,
        Location = device.Location,
        Owner = device.Owner,
        AssetTag = device.AssetTag,
        Notes = device.Notes,
        FirstSeen = UnixMicroseconds.From(device.FirstSeen),
        LastSeen = UnixMicroseconds.From(device.LastSeen),
        LastProfile = device.LastProfile,
        CreatedAt = UnixMicroseconds.From(device.CreatedAt),
        UpdatedAt = UnixMicroseconds.From(device.UpdatedAt),
    };

    public Device ToRecord() => new()
    {
        Id = Id,
        Identity = new DeviceIdentity(Enum.TryParse(IdentityKind, out DeviceIdentityKind kind) ? kind : DeviceIdentityKind.SubjectCn, IdentityKey),
        Name = Name,
        Manufacturer = Manufacturer,
        Model = Model,
        SerialNumber = SerialNumber,
        MacAddress = MacAddress,
        IpAddress = IpAddress,
        Location = Location,
        Owner = Owner,
        AssetTag = AssetTag,
        Notes = Notes,
        FirstSeen = UnixMicroseconds.ToDateTimeOffset(FirstSeen),
        LastSeen = UnixMicroseconds.ToDateTimeOffset(LastSeen),
        LastProfile = LastProfile,
        CreatedAt = UnixMicroseconds.ToDateTimeOffset(CreatedAt),
        UpdatedAt = UnixMicroseconds.ToDateTimeOffset(UpdatedAt),
    };

    public DeviceListItem ToListItem(DateTimeOffset now, TimeSpan expiringWindow)
    {
        DateTimeOffset? notAfter = UnixMicroseconds.ToDateTimeOffset(CertificateNotAfter);
        DeviceState state = CertificateSerial is null ? DeviceState.None
            : CertificateRevokedAt is not null ? DeviceState.Revoked
            : notAfter < now ? DeviceState.Expired
            : notAfter < now + expiringWindow ? DeviceState.Expiring
            : DeviceState.Valid;
        RenewalStatus? renewal = CertificateRenewalState is { } renewalState
            ? new RenewalStatus(
                (Core.Model.RenewalState)renewalState,
                UnixMicroseconds.ToDateTimeOffset(CertificateRenewalDueAt),
                UnixMicroseconds.ToDateTimeOffset(CertificateLastRenewalAttemptAt),
                CertificateLastRenewalResult)
            : null;
        return new DeviceListItem(ToRecord(), state, CertificateSerial, notAfter, renewal)
        {
            Findings = FindingsJson.Read(CertificateFindings ?? "[]"),
        };
    }
}

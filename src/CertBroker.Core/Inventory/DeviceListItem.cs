namespace CertBroker.Core.Inventory;

/// <summary>A device with its newest certificate, as lists show it.</summary>
/// <param name="Renewal">Where that certificate is in its renewal life, with its last renewal attempt: a device that
/// passed its due time without renewing shows Overdue and why its last renewal failed.</param>
public sealed record DeviceListItem(
    Device Device, DeviceState State, string? CertificateSerial, DateTimeOffset? CertificateNotAfter, RenewalStatus? Renewal = null)
{
    /// <summary>The weak-crypto findings of the device: those of its newest certificate.</summary>
    public IReadOnlyList<Model.Finding> Findings { get; init; } = [];
}

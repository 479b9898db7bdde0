using CertBroker.Core.Model;

namespace CertBroker.Core.Inventory;

/// <summary>An identity that is already taken by another device.</summary>
public sealed class DuplicateDeviceException(DeviceIdentity identity)
    : Exception($"A device with identity {identity} already exists.")
{
    public DeviceIdentity Identity { get; } = identity;
}

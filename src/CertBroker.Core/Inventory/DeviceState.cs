namespace CertBroker.Core.Inventory;

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

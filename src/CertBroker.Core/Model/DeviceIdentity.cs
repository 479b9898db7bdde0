namespace CertBroker.Core.Model;

/// <summary>
/// The key a device is found by: a kind and a normalised value (MAC addresses as lower-case colon-separated hex,
/// everything else trimmed). Two enrolments with equal identities are the same device.
/// </summary>
public readonly record struct DeviceIdentity(DeviceIdentityKind Kind, string Key)
{
    public override string ToString() => $"{Kind}:{Key}";
}

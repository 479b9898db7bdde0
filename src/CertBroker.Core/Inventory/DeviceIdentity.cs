namespace CertBroker.Core.Inventory;

/// <summary>What kind of value identifies a device in the inventory.</summary>
public enum DeviceIdentityKind
{
    /// <summary>The subject's common name, compared case-insensitively.</summary>
    SubjectCn,

    /// <summary>The first DNS name (else IP address) of the subjectAltName.</summary>
    San,

    /// <summary>The subject's serialNumber attribute (2.5.4.5), which many MFDs fill with their hardware serial.</summary>
    SerialNumber,

    /// <summary>A MAC address found in the subject (unstructuredAddress, unstructuredName or any attribute that holds one).</summary>
    MacAddress,
}

/// <summary>
/// The key a device is found by: a kind and a normalised value (MAC addresses as lower-case colon-separated hex,
/// everything else trimmed). Two enrolments with equal identities are the same device.
/// </summary>
public readonly record struct DeviceIdentity(DeviceIdentityKind Kind, string Key)
{
    public override string ToString() => $"{Kind}:{Key}";
}

/// <summary>How a profile picks the identity of an enrolling device (<c>CertBroker:Profiles:&lt;name&gt;:DeviceIdentity</c>).</summary>
public enum DeviceIdentitySource
{
    /// <summary>The CSR's serialNumber, else a MAC address in the subject, else the subject CN, else the first SAN.</summary>
    Auto,

    SubjectCn,

    San,

    SerialNumber,

    MacAddress,
}

namespace CertBroker.Core.Model;

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

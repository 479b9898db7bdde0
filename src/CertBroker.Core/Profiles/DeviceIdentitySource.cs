namespace CertBroker.Core.Profiles;

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

namespace CertBroker.Core.Profiles;

/// <summary>Where a profile's certificates come from.</summary>
public enum ProfileBackend
{
    /// <summary>The broker's own CA (<c>CertBroker:Ca</c>).</summary>
    Embedded,

    /// <summary>
    /// An upstream SCEP CA: Microsoft NDES in front of ADCS, or any RFC 8894 server. The broker is its registration
    /// authority: it checks the device's request locally, then asks the upstream with the device's own CSR.
    /// </summary>
    Ndes,
}

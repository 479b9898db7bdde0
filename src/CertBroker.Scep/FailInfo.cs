namespace CertBroker.Scep;

/// <summary>SCEP failInfo values (RFC 8894 §3.2.1.4).</summary>
public enum FailInfo
{
    /// <summary>Unrecognised or unsupported algorithm.</summary>
    BadAlg = 0,

    /// <summary>Integrity check (signature or decryption) failed.</summary>
    BadMessageCheck = 1,

    /// <summary>Transaction not permitted or supported.</summary>
    BadRequest = 2,

    /// <summary>The signingTime attribute was not close enough to the system time.</summary>
    BadTime = 3,

    /// <summary>No certificate could be identified matching the provided criteria.</summary>
    BadCertId = 4,
}

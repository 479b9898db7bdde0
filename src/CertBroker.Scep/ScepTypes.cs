namespace CertBroker.Scep;

/// <summary>SCEP messageType values (RFC 8894 §3.2.1.2).</summary>
public enum MessageType
{
    CertRep = 3,
    RenewalReq = 17,
    PkcsReq = 19,

    /// <summary>CertPoll, called GetCertInitial in drafts before RFC 8894.</summary>
    CertPoll = 20,
    GetCert = 21,
    GetCrl = 22,
}

/// <summary>SCEP pkiStatus values (RFC 8894 §3.2.1.3).</summary>
public enum PkiStatus
{
    Success = 0,
    Failure = 2,
    Pending = 3,
}

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

public static class ScepTypeNames
{
    /// <summary>The RFC 8894 spelling used in logs and the store, e.g. "badMessageCheck".</summary>
    public static string ToRfcName(this FailInfo failInfo) => failInfo switch
    {
        FailInfo.BadAlg => "badAlg",
        FailInfo.BadMessageCheck => "badMessageCheck",
        FailInfo.BadRequest => "badRequest",
        FailInfo.BadTime => "badTime",
        FailInfo.BadCertId => "badCertId",
        _ => ((int)failInfo).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static string ToRfcName(this MessageType messageType) => messageType switch
    {
        MessageType.CertRep => "CertRep",
        MessageType.RenewalReq => "RenewalReq",
        MessageType.PkcsReq => "PKCSReq",
        MessageType.CertPoll => "CertPoll",
        MessageType.GetCert => "GetCert",
        MessageType.GetCrl => "GetCRL",
        _ => ((int)messageType).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static string ToRfcName(this PkiStatus status) => status switch
    {
        PkiStatus.Success => "SUCCESS",
        PkiStatus.Failure => "FAILURE",
        PkiStatus.Pending => "PENDING",
        _ => ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// The input is not a SCEP message we can parse. The message text is for logs only: clients get a fixed short answer.
/// </summary>
public sealed class ScepFormatException : Exception
{
    public ScepFormatException(string message)
        : base(message)
    {
    }

    public ScepFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A message that was parsed and whose signer is known, but that cannot be processed; the server answers with a
/// signed CertRep FAILURE carrying <see cref="FailInfo"/>.
/// </summary>
public sealed class ScepFailureException : Exception
{
    public ScepFailureException(FailInfo failInfo, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        FailInfo = failInfo;
    }

    public FailInfo FailInfo { get; }
}

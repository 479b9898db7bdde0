namespace CertBroker.Scep;

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

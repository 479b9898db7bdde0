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

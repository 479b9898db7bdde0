namespace CertBroker.Scep;

/// <summary>SCEP pkiStatus values (RFC 8894 §3.2.1.3).</summary>
public enum PkiStatus
{
    Success = 0,
    Failure = 2,
    Pending = 3,
}

namespace CertBroker.Core.Inventory;

/// <summary>Where a certificate stands at a given time.</summary>
public enum CertificateState
{
    Valid,
    Expired,
    Revoked,
}

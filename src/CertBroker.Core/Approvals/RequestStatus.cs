namespace CertBroker.Core.Approvals;

/// <summary>Where a queued request stands, as the API names it.</summary>
public enum RequestStatus
{
    Pending,
    Issued,
    Rejected,
    Expired,
}

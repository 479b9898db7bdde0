using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Core.Approvals;

/// <summary>Where a queued request stands, as the API names it.</summary>
public enum RequestStatus
{
    Pending,
    Issued,
    Rejected,
    Expired,
}

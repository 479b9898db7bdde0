namespace CertBroker.Core.Model;

/// <summary>How a queued request was settled.</summary>
public enum RequestDecision
{
    /// <summary>An admin approved it; the certificate was issued at that moment.</summary>
    Approved = 1,

    /// <summary>An admin rejected it with a reason.</summary>
    Rejected = 2,

    /// <summary>Nobody decided within the profile's PendingExpiryDays.</summary>
    Expired = 3,
}

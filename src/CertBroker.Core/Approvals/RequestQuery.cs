namespace CertBroker.Core.Approvals;

/// <summary>Which queued requests to list. Every filter is optional.</summary>
public sealed record RequestQuery
{
    /// <summary>Pending, or settled with one decision; null lists them all.</summary>
    public RequestStatus? Status { get; init; }

    public string? Profile { get; init; }

    /// <summary>Text found in the subject, the SANs, the transactionID or the requester address.</summary>
    public string? Text { get; init; }

    public int Limit { get; init; } = 1000;
}

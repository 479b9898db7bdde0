using CertBroker.Core.Model;

namespace CertBroker.Core.Renewal;

/// <summary>
/// A certificate whose renewal state a sweep changed, or for which an expiry alert was sent: the facts an event
/// needs, read in the same statement that changed it.
/// </summary>
/// <param name="ThresholdDays">For expiry alerts, the threshold that fired; null otherwise.</param>
public sealed record RenewalTransition(
    long CertificateId,
    string Serial,
    string Profile,
    string Subject,
    long? DeviceId,
    DateTimeOffset NotAfter,
    DateTimeOffset? RenewalDueAt,
    RenewalState State,
    int? ThresholdDays = null);

namespace CertBroker.Core.Renewal;

/// <summary>
/// Passes lifecycle events on to outside systems (the webhook). Must return at once and never throw: delivery,
/// retries included, happens elsewhere, so a slow receiver holds up neither a sweep nor an enrolment.
/// </summary>
public interface IRenewalNotifier
{
    void Notify(IReadOnlyList<RenewalEvent> events);
}

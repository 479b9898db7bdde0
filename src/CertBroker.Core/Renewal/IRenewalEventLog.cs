namespace CertBroker.Core.Renewal;

/// <summary>
/// The lifecycle events (renewal due, overdue, expired, expiry alerts) as the audit trail holds them, and how far each
/// consumer has passed them on. A sweep writes each event in the same transaction as the change it reports, so a
/// consumer that reads from here, and records its position only after passing a batch on, loses no event to a
/// restart or a crash; at worst it passes the last batch on twice.
/// </summary>
public interface IRenewalEventLog
{
    /// <summary>
    /// Up to <paramref name="max"/> events after <paramref name="position"/>, oldest first. The certificate fields are
    /// read at the time of the call; an expiry alert's threshold is the one its own audit event names.
    /// </summary>
    Task<IReadOnlyList<LoggedRenewalEvent>> ReadAfterAsync(long position, int max, CancellationToken cancellationToken);

    /// <summary>The position of the newest audit event, lifecycle or not; 0 when the trail is empty.</summary>
    Task<long> NewestPositionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The position of the oldest audit event the trail's retention still keeps; 0 when the trail is empty. A consumer
    /// whose position is further back than the event before it has lost the events in between.
    /// </summary>
    Task<long> OldestPositionAsync(CancellationToken cancellationToken);

    /// <summary>How far <paramref name="consumer"/> has passed events on; null when it never recorded a position.</summary>
    Task<long?> GetPositionAsync(string consumer, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="consumer"/> has passed on every event up to <paramref name="position"/>.</summary>
    Task SetPositionAsync(string consumer, long position, DateTimeOffset at, CancellationToken cancellationToken);
}

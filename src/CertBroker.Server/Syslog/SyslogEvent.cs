using CertBroker.Core.Audit;

namespace CertBroker.Server.Syslog;

/// <summary>One event to send: the parts of a syslog message that change from one message to the next.</summary>
public sealed record SyslogEvent
{
    private static readonly IReadOnlyDictionary<string, string?> NoFields = new Dictionary<string, string?>();

    /// <summary>When the event happened; sent as TIMESTAMP in UTC with microseconds.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>How much the event matters to whoever watches the SIEM.</summary>
    public required SyslogSeverity Severity { get; init; }

    /// <summary>MSGID: the event name, e.g. <c>EnrolmentIssued</c>. At most 32 printable US-ASCII characters.</summary>
    public required string MessageId { get; init; }

    /// <summary>MSG: a human-readable sentence, sent as UTF-8. Optional.</summary>
    public string? Message { get; init; }

    /// <summary>
    /// Structured-data parameters (event, actor, outcome, profile, transactionId, serial, subject, reason, …), sent in
    /// enumeration order, which for a <see cref="Dictionary{TKey, TValue}"/> is insertion order. Null values are left
    /// out. Names are at most 32 printable US-ASCII characters without <c>=</c>, space, <c>]</c> or <c>"</c>; other
    /// characters are replaced by <c>_</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Fields { get; init; } = NoFields;
}

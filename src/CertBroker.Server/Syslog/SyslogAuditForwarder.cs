using CertBroker.Core.Audit;

namespace CertBroker.Server.Syslog;

/// <summary>
/// Sends each committed <see cref="AuditEvent"/> to the syslog collector as an RFC 5424 message: MSGID is the action
/// (<c>auth.login-failed</c>), the structured-data element carries <c>actor</c>, <c>target</c>, <c>outcome</c>,
/// <c>profile</c> and <c>src</c>, and MSG is a sentence with the details. Failures go out as Warning, everything else
/// as Notice. Queues and returns: the sender's buffer absorbs a collector that is down.
/// </summary>
public sealed class SyslogAuditForwarder(SyslogSender sender) : IAuditForwarder
{
    public void Forward(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        sender.TryEnqueue(ToSyslogEvent(auditEvent));
    }

    public static SyslogEvent ToSyslogEvent(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        bool failed = auditEvent.Outcome == AuditOutcome.Failure;
        return new SyslogEvent
        {
            Timestamp = auditEvent.Time,
            Severity = failed ? SyslogSeverity.Warning : SyslogSeverity.Notice,
            MessageId = auditEvent.Action,
            Message = Sentence(auditEvent),
            Fields = new Dictionary<string, string?>
            {
                ["actor"] = auditEvent.Actor,
                ["target"] = auditEvent.Target,
                ["outcome"] = failed ? "failure" : "success",
                ["profile"] = auditEvent.Profile,
                ["src"] = auditEvent.SourceAddress,
            },
        };
    }

    /// <summary><c>auth.login-failed by anonymous on admin: Wrong password.</c></summary>
    private static string Sentence(AuditEvent auditEvent)
    {
        string sentence = $"{auditEvent.Action} by {auditEvent.Actor}";
        if (auditEvent.Target is { } target)
        {
            sentence += $" on {target}";
        }

        return auditEvent.Details is { } details ? $"{sentence}: {details}" : sentence + ".";
    }
}

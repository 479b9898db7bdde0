namespace CertBroker.Core.Audit;

/// <summary>
/// One entry of the audit trail: who did what to which object, from where, and whether it worked. Never carries a
/// secret (passwords, challenge values, keys, token values).
/// </summary>
public sealed record AuditEvent
{
    /// <summary>
    /// The actor for what the broker does by itself (jobs, sweeps, expiry). Here, at the bottom, so every layer
    /// can name it without depending on the layer that issues certificates.
    /// </summary>
    public const string SystemActor = "system";

    public required DateTimeOffset Time { get; init; }

    /// <summary>What happened, one of <see cref="AuditActions"/>.</summary>
    public required string Action { get; init; }

    public required AuditOutcome Outcome { get; init; }

    /// <summary>
    /// Who acted: an account's user name, <c>token:NAME</c> for an API token, <c>device</c> for a SCEP client or
    /// <c>system</c> for the broker itself (expiry, retention).
    /// </summary>
    public required string Actor { get; init; }

    /// <summary>The caller's IP address, when there is a caller.</summary>
    public string? SourceAddress { get; init; }

    /// <summary>What was acted on: a user name, a request ID, a transactionID, a serial number, a device ID.</summary>
    public string? Target { get; init; }

    /// <summary>The enrolment profile involved, if any.</summary>
    public string? Profile { get; init; }

    /// <summary>A short human-readable account of the event (a rejection reason, a failInfo, the fields changed).</summary>
    public string? Details { get; init; }
}

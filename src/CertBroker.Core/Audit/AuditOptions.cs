namespace CertBroker.Core.Audit;

/// <summary><c>CertBroker:Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "CertBroker:Audit";

    /// <summary>
    /// The most security events kept (<see cref="AuditClass.Security"/>); past it the oldest are dropped first, as MFDs
    /// do with their 40,000-record logs. Default 40,000. Export the trail before it wraps if it must be kept longer.
    /// </summary>
    public int MaxRecords { get; set; } = 40_000;

    /// <summary>
    /// The most noise events kept (<see cref="AuditClass.Noise"/>: failed sign-ins, wrong challenges, refused
    /// requests), apart from the security events, so a flood of them never evicts one. Default 40,000.
    /// </summary>
    public int MaxNoiseRecords { get; set; } = 40_000;
}

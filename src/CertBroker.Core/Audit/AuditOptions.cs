namespace CertBroker.Core.Audit;

/// <summary><c>CertBroker:Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "CertBroker:Audit";

    /// <summary>
    /// The most events kept; past it the oldest are dropped first, as MFDs do with their 40,000-record logs.
    /// Export the trail before it wraps if it must be kept longer.
    /// </summary>
    public int MaxRecords { get; set; } = 40_000;
}

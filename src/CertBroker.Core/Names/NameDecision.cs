namespace CertBroker.Core.Names;

/// <summary>What the name policy makes of a request: the names to issue, or a refusal, and every finding.</summary>
public sealed record NameDecision(CertificateNames Requested, CertificateNames? Issued, IReadOnlyList<NameFinding> Findings)
{
    public bool Refused => Issued is null;

    /// <summary>The first refusing finding, for the FAILURE's log line and audit event.</summary>
    public string Reason => Findings.FirstOrDefault(f => !f.Dropped)?.ToString() ?? "";
}

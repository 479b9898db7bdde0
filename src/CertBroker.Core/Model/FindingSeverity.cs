namespace CertBroker.Core.Model;

/// <summary>How serious a finding is; the numbers are what the <c>findings.severity</c> column stores.</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing (below a stricter national baseline); never refuses anything.</summary>
    Info = 0,

    /// <summary>Weak but still common in the field (3DES-only MFDs); recorded, never refused.</summary>
    Warn = 1,

    /// <summary>Breaks the policy: an enforcing profile refuses the request.</summary>
    Fail = 2,
}

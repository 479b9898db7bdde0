namespace CertBroker.Core.Audit;

/// <summary>Which retention an audit event falls under; each class keeps its own newest events.</summary>
public enum AuditClass
{
    /// <summary>What an investigator needs: accounts, tokens, issuance, approvals, revocation, imports, policy.
    /// Kept up to <see cref="AuditOptions.MaxRecords"/>, whatever anonymous callers do.</summary>
    Security = 0,

    /// <summary>What an anonymous caller can cause at will: failed sign-ins, wrong challenges, refused requests.
    /// Kept up to <see cref="AuditOptions.MaxNoiseRecords"/>, so a flood evicts only its own kind.</summary>
    Noise = 1,
}

namespace CertBroker.Core.Approvals;

/// <summary>Who decides, for the audit trail.</summary>
/// <param name="Actor">The account's user name, <c>token:NAME</c>, or <c>system</c>.</param>
/// <param name="SourceAddress">The caller's IP address, if any.</param>
public sealed record Decider(string Actor, string? SourceAddress);

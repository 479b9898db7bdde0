using Microsoft.Extensions.Options;

namespace CertBroker.Core.Renewal;

/// <summary>What one sweep changed.</summary>
public sealed record RenewalSweepResult(int Scheduled, int Due, int Overdue, int Expired);

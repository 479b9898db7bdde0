namespace CertBroker.RenewalBench;

/// <summary>The sweep's "now", fixed so the due share is exactly what was inserted.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

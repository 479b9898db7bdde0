namespace CertBroker.Core.Renewal;

/// <summary>The notifier when no webhook is configured.</summary>
public sealed class NullRenewalNotifier : IRenewalNotifier
{
    public static readonly NullRenewalNotifier Instance = new();

    public void Notify(IReadOnlyList<RenewalEvent> events)
    {
    }
}

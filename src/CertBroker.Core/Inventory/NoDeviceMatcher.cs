using CertBroker.Core.Inventory;
using CertBroker.Scep;

namespace CertBroker.Core.Inventory;

/// <summary>The matcher while no inventory is configured: no request matches a device.</summary>
public sealed class NoDeviceMatcher : IDeviceMatcher
{
    public static readonly NoDeviceMatcher Instance = new();

    public Task<long?> FindDeviceAsync(string profile, CertificationRequest csr, CancellationToken cancellationToken) => Task.FromResult<long?>(null);
}

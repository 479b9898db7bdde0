using CertBroker.Scep;

namespace CertBroker.Core.Inventory;

/// <summary>
/// Finds the inventory device a queued request belongs to, so the admin who decides sees it. The device inventory
/// implements it; without one, requests are queued with no device.
/// </summary>
public interface IDeviceMatcher
{
    /// <returns>The matching device's ID, or null when none matches.</returns>
    Task<long?> FindDeviceAsync(string profile, CertificationRequest csr, CancellationToken cancellationToken);
}

using CertBroker.Core.Profiles;
using CertBroker.Scep;

namespace CertBroker.Core.Inventory;

/// <summary>
/// Finds the inventory device a request belongs to, the same way enrolment records it: by the identity the
/// profile's <see cref="ProfileOptions.DeviceIdentity"/> picks from the CSR. Used to show the device on a pending
/// request before anything is issued.
/// </summary>
public sealed class DeviceMatcher(IDeviceStore devices)
{
    public static DeviceIdentity IdentityOf(ScepProfile profile, CertificationRequest csr)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(csr);
        return CsrDeviceFacts.From(csr).IdentityFor(profile.Options.DeviceIdentity, csr.Subject.Name);
    }

    /// <returns>The matching device, or null when this identity has never enrolled nor been added.</returns>
    public Task<Device?> FindAsync(ScepProfile profile, CertificationRequest csr, CancellationToken cancellationToken) =>
        devices.FindByIdentityAsync(IdentityOf(profile, csr), cancellationToken);
}

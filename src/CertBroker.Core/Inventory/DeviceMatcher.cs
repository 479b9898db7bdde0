using CertBroker.Core.Model;
using CertBroker.Core.Profiles;
using CertBroker.Scep;

namespace CertBroker.Core.Inventory;

/// <summary>
/// Finds the inventory device a request belongs to, the same way enrolment records it: by the identity the
/// profile's <see cref="ProfileOptions.DeviceIdentity"/> picks from the CSR. Used to show the device on a pending
/// request before anything is issued.
/// </summary>
public sealed class DeviceMatcher(IDeviceStore devices, ProfileCatalog profiles) : IDeviceMatcher
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

    /// <summary>The ID of the device a request to profile <paramref name="profile"/> belongs to (for the approval queue).</summary>
    /// <returns>Null when the profile is unknown or no device matches.</returns>
    public async Task<long?> FindDeviceAsync(string profile, CertificationRequest csr, CancellationToken cancellationToken) =>
        profiles.Find(profile) is { } scepProfile
            ? (await FindAsync(scepProfile, csr, cancellationToken).ConfigureAwait(false))?.Id
            : null;
}

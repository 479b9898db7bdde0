using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Core.Inventory;

/// <summary>
/// The device inventory. Enrolments write devices through <see cref="IEnrolmentStore.SaveIssuedAsync"/> (see
/// <see cref="EnrolmentTransaction.Device"/>); admin changes go through here, each with its audit event written in
/// the same transaction.
/// </summary>
public interface IDeviceStore
{
    /// <summary>
    /// The device an identity names, if it is in the inventory. To find the device a CSR belongs to, derive the
    /// identity the way enrolment does: <c>CsrDeviceFacts.From(csr).IdentityFor(profile.Options.DeviceIdentity, csr.Subject.Name)</c>,
    /// or call <see cref="DeviceMatcher.FindAsync"/>.
    /// </summary>
    Task<Device?> FindByIdentityAsync(DeviceIdentity identity, CancellationToken cancellationToken);

    Task<Device?> FindAsync(long id, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeviceListItem>> ListAsync(DeviceQuery query, CancellationToken cancellationToken);

    /// <summary>Every certificate issued to the device, newest first.</summary>
    Task<IReadOnlyList<CertificateRecord>> ListCertificatesAsync(long deviceId, CancellationToken cancellationToken);

    /// <returns>The stored device, with its ID.</returns>
    /// <exception cref="DuplicateDeviceException">Another device has the identity; nothing was written.</exception>
    Task<Device> CreateAsync(Device device, AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>Replaces the identity and metadata of device <see cref="Device.Id"/>; the enrolment fields are kept.</summary>
    /// <returns>The stored device, or null when there is no such device.</returns>
    /// <exception cref="DuplicateDeviceException">Another device has the new identity; nothing was written.</exception>
    Task<Device?> UpdateAsync(Device device, AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>Removes the device; its certificates stay, no longer linked to it.</summary>
    Task<bool> DeleteAsync(long id, AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Creates or updates each device by identity, all in one transaction with one audit event. Metadata columns
    /// that are null in a row leave the stored value alone.
    /// </summary>
    Task<DeviceImportResult> ImportAsync(IReadOnlyList<Device> devices, AuditEvent auditEvent, CancellationToken cancellationToken);
}

using CertBroker.Core.Profiles;
using CertBroker.Scep;

namespace CertBroker.Core.Inventory;

/// <summary>
/// What one enrolment tells the inventory about a device: the identity it is found by and the facts a CSR carries.
/// The store creates the device from it, or updates when it was last seen; metadata an admin entered wins over it.
/// </summary>
public sealed record DeviceObservation
{
    public required DeviceIdentity Identity { get; init; }

    /// <summary>The subject CN, used as the device's name until an admin gives it one.</summary>
    public string? Name { get; init; }

    public string? SerialNumber { get; init; }

    public string? MacAddress { get; init; }

    /// <summary>The address the request came from.</summary>
    public string? IpAddress { get; init; }

    public required string Profile { get; init; }

    public required DateTimeOffset SeenAt { get; init; }

    /// <summary>What a CSR to <paramref name="profile"/> tells about its device, identified by the profile's rule.</summary>
    /// <param name="requesterAddress">The address the request came from, recorded while the device has no IP address.</param>
    public static DeviceObservation From(CertificationRequest csr, ScepProfile profile, string? requesterAddress, DateTimeOffset seenAt)
    {
        ArgumentNullException.ThrowIfNull(csr);
        ArgumentNullException.ThrowIfNull(profile);
        CsrDeviceFacts facts = CsrDeviceFacts.From(csr);
        return new DeviceObservation
        {
            Identity = facts.IdentityFor(profile.Options.DeviceIdentity, csr.Subject.Name),
            Name = facts.CommonName,
            SerialNumber = facts.SerialNumber,
            MacAddress = facts.MacAddress,
            IpAddress = requesterAddress,
            Profile = profile.Name,
            SeenAt = seenAt,
        };
    }

    /// <summary>
    /// What an imported certificate tells about its device, identified by <paramref name="profile"/>'s rule as if
    /// the certificate's subject and subjectAltName had come in a CSR.
    /// </summary>
    public static DeviceObservation From(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, ScepProfile profile, DateTimeOffset seenAt)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(profile);
        CsrDeviceFacts facts = CsrDeviceFacts.From(certificate.SubjectName, certificate.Extensions[Oids.SubjectAltName]);
        return new DeviceObservation
        {
            Identity = facts.IdentityFor(profile.Options.DeviceIdentity, certificate.SubjectName.Name),
            Name = facts.CommonName,
            SerialNumber = facts.SerialNumber,
            MacAddress = facts.MacAddress,
            Profile = profile.Name,
            SeenAt = seenAt,
        };
    }
}

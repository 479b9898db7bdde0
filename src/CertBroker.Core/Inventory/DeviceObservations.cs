using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Model;
using CertBroker.Core.Profiles;
using CertBroker.Scep;

namespace CertBroker.Core.Inventory;

/// <summary>
/// Makes the <see cref="DeviceObservation"/> of an enrolment or an import. It lives here, apart from the record,
/// because it needs the CSR parsing and the profile's identity rule, which the model below must not know.
/// </summary>
public static class DeviceObservations
{
    /// <summary>
    /// What the names a certificate was issued with tell about its device: the names the policy let through, not
    /// the request's, so a name the profile dropped never picks the device a certificate is attached to.
    /// </summary>
    /// <param name="requesterAddress">The address the request came from, recorded while the device has no IP address.</param>
    public static DeviceObservation From(
        X500DistinguishedName subject, X509Extension? subjectAlternativeName, ScepProfile profile, string? requesterAddress, DateTimeOffset seenAt)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(profile);
        CsrDeviceFacts facts = CsrDeviceFacts.From(subject, subjectAlternativeName);
        return new DeviceObservation
        {
            Identity = facts.IdentityFor(profile.Options.DeviceIdentity, subject.Name),
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
    public static DeviceObservation From(X509Certificate2 certificate, ScepProfile profile, DateTimeOffset seenAt)
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

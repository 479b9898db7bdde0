using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Model;
using CertBroker.Core.Profiles;
using CertBroker.Scep;

namespace CertBroker.Core.Inventory;

/// <summary>The device facts a CSR carries, read once, and the identity a profile derives from them.</summary>
public sealed class CsrDeviceFacts
{
    private const string CommonNameOid = "2.5.4.3";
    private const string SerialNumberOid = "2.5.4.5";
    private const string UnstructuredNameOid = "1.2.840.113549.1.9.2";
    private const string UnstructuredAddressOid = "1.2.840.113549.1.9.8";

    private CsrDeviceFacts(string? commonName, string? serialNumber, string? macAddress, string? firstSan)
    {
        CommonName = commonName;
        SerialNumber = serialNumber;
        MacAddress = macAddress;
        FirstSubjectAlternativeName = firstSan;
    }

    public string? CommonName { get; }

    public string? SerialNumber { get; }

    /// <summary>Normalised (see <see cref="Inventory.MacAddress"/>).</summary>
    public string? MacAddress { get; }

    /// <summary>The first DNS name of the subjectAltName, else its first IP address.</summary>
    public string? FirstSubjectAlternativeName { get; }

    /// <summary>Every DNS name and IP address of the subjectAltName, for challenge bindings.</summary>
    public IReadOnlyList<string> SubjectAlternativeNames { get; private init; } = [];

    public static CsrDeviceFacts From(CertificationRequest csr)
    {
        ArgumentNullException.ThrowIfNull(csr);
        return From(csr.Subject, csr.SubjectAlternativeName);
    }

    /// <summary>The same facts from a subject and subjectAltName, as an imported certificate carries them.</summary>
    public static CsrDeviceFacts From(X500DistinguishedName subject, X509Extension? subjectAlternativeName)
    {
        ArgumentNullException.ThrowIfNull(subject);
        string? commonName = null;
        string? serialNumber = null;
        string? mac = null;
        foreach (X500RelativeDistinguishedName rdn in subject.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                continue;
            }

            string? value = rdn.GetSingleElementValue()?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            switch (rdn.GetSingleElementType().Value)
            {
                case CommonNameOid:
                    commonName ??= value;
                    break;
                case SerialNumberOid:
                    serialNumber ??= value;
                    break;
                case UnstructuredAddressOid or UnstructuredNameOid:
                    if (mac is null && Inventory.MacAddress.TryNormalize(value, out string? normalized))
                    {
                        mac = normalized;
                    }

                    break;
            }
        }

        List<string> names = SanNames(subjectAlternativeName);
        return new CsrDeviceFacts(commonName, serialNumber, mac, names.FirstOrDefault()) { SubjectAlternativeNames = names };
    }

    /// <summary>
    /// The identity <paramref name="source"/> picks; when the CSR lacks that value, the <see cref="DeviceIdentitySource.Auto"/>
    /// order, and as a last resort the whole subject as a CN (a device must always land somewhere).
    /// </summary>
    public DeviceIdentity IdentityFor(DeviceIdentitySource source, string subject)
    {
        DeviceIdentity? chosen = source switch
        {
            DeviceIdentitySource.SubjectCn => Cn(),
            DeviceIdentitySource.San => San(),
            DeviceIdentitySource.SerialNumber => Serial(),
            DeviceIdentitySource.MacAddress => Mac(),
            _ => null,
        };
        return chosen ?? Serial() ?? Mac() ?? Cn() ?? San() ?? new DeviceIdentity(DeviceIdentityKind.SubjectCn, subject);
    }

    private DeviceIdentity? Cn() => CommonName is null ? null : new DeviceIdentity(DeviceIdentityKind.SubjectCn, CommonName);

    private DeviceIdentity? San() => FirstSubjectAlternativeName is null ? null : new DeviceIdentity(DeviceIdentityKind.San, FirstSubjectAlternativeName);

    private DeviceIdentity? Serial() => SerialNumber is null ? null : new DeviceIdentity(DeviceIdentityKind.SerialNumber, SerialNumber);

    private DeviceIdentity? Mac() => MacAddress is null ? null : new DeviceIdentity(DeviceIdentityKind.MacAddress, MacAddress);

    private static List<string> SanNames(X509Extension? extension)
    {
        var names = new List<string>();
        if (extension is null)
        {
            return names;
        }

        try
        {
            var san = new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical);
            names.AddRange(san.EnumerateDnsNames());
            names.AddRange(san.EnumerateIPAddresses().Select(static (IPAddress a) => a.ToString()));
        }
        catch (CryptographicException)
        {
            // A SAN the platform cannot read identifies nothing; the issuer judges it on its own.
        }

        return names;
    }
}

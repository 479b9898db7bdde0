using CertBroker.Core.Inventory;
using CertBroker.Core.Names;

namespace CertBroker.Core.Challenges;

/// <summary>
/// Restricts a one-time password to one device. Bound to a name (CN or SAN), every name the certificate would carry
/// (its CN, every subjectAltName entry, and the subject's other identities: serialNumber, emailAddress, UID,
/// unstructuredName, unstructuredAddress) must be that name; bound to the MAC address or serial number in the
/// subject, that value must match and the names are left to the profile's name policy. Compared case-insensitively;
/// MAC addresses in any common spelling.
/// </summary>
public sealed record ChallengeBinding(ChallengeBindingKind Kind, string Value)
{
    /// <summary>A binding with its value normalised, or null with a reason when the value cannot be one.</summary>
    public static ChallengeBinding? Create(ChallengeBindingKind kind, string? value, out string? problem)
    {
        problem = null;
        string trimmed = value?.Trim() ?? "";
        if (trimmed.Length is 0 or > 256)
        {
            problem = "A binding value must have 1 to 256 characters.";
            return null;
        }

        if (kind == ChallengeBindingKind.MacAddress)
        {
            if (!MacAddress.TryNormalize(trimmed, out string? mac))
            {
                problem = "Not a MAC address (use 00:1a:2b:3c:4d:5e, 00-1A-2B-3C-4D-5E, 001a.2b3c.4d5e or 001A2B3C4D5E).";
                return null;
            }

            trimmed = mac;
        }

        return new ChallengeBinding(kind, trimmed);
    }

    /// <param name="names">The names the certificate would carry, after the profile's name policy.</param>
    /// <param name="facts">The device facts of the request's subject.</param>
    /// <returns>Null when the binding holds, else why not.</returns>
    public string? Check(CertificateNames names, CsrDeviceFacts facts)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(facts);
        switch (Kind)
        {
            case ChallengeBindingKind.CommonName or ChallengeBindingKind.San:
                string? commonName = names.First(SubjectAttributeType.CommonName);
                List<string> all =
                [
                    .. names.Subject.Where(a => IdentityAttributes.Contains(a.Type)).Select(a => a.Value),
                    .. names.AlternativeNames.Select(n => n.Value),
                ];
                string? other = all.FirstOrDefault(n => !Same(n));
                bool named = Kind == ChallengeBindingKind.CommonName ? Same(commonName) : names.AlternativeNames.Any(n => Same(n.Value));
                return !named ? "the request does not carry it"
                    : other is not null ? $"the request also names {Printable.Of(other)}"
                    : null;
            case ChallengeBindingKind.MacAddress:
                return Same(facts.MacAddress) ? null : "the request does not carry it";
            case ChallengeBindingKind.SerialNumber:
                return Same(facts.SerialNumber) ? null : "the request does not carry it";
            default:
                return "the binding kind is unknown";
        }
    }

    public override string ToString() => $"{Kind}={Value}";

    // Subject attributes that name a device or a person, as against those that describe its organisation.
    private static readonly SubjectAttributeType[] IdentityAttributes =
    [
        SubjectAttributeType.CommonName, SubjectAttributeType.SerialNumber, SubjectAttributeType.EmailAddress, SubjectAttributeType.UserId,
        SubjectAttributeType.UnstructuredName, SubjectAttributeType.UnstructuredAddress,
    ];

    private bool Same(string? candidate) => string.Equals(candidate, Value, StringComparison.OrdinalIgnoreCase);
}

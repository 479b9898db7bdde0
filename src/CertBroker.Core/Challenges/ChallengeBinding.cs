using CertBroker.Core.Inventory;

namespace CertBroker.Core.Challenges;

/// <summary>
/// Restricts a one-time password to requests naming one device: its subject CN, one of its SANs (DNS name or IP
/// address), or the MAC address or serial number in its subject. Compared case-insensitively; MAC addresses in any
/// common spelling.
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

    public bool Matches(CsrDeviceFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return Kind switch
        {
            ChallengeBindingKind.CommonName => Same(facts.CommonName),
            ChallengeBindingKind.San => facts.SubjectAlternativeNames.Any(Same),
            ChallengeBindingKind.MacAddress => Same(facts.MacAddress),
            ChallengeBindingKind.SerialNumber => Same(facts.SerialNumber),
            _ => false,
        };
    }

    public override string ToString() => $"{Kind}={Value}";

    private bool Same(string? candidate) => string.Equals(candidate, Value, StringComparison.OrdinalIgnoreCase);
}

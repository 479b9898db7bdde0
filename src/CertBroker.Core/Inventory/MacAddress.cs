using System.Diagnostics.CodeAnalysis;

namespace CertBroker.Core.Inventory;

/// <summary>
/// MAC addresses in the spellings devices and fleet tools use (<c>00:1A:2B:3C:4D:5E</c>, <c>00-1a-2b-3c-4d-5e</c>,
/// <c>001a.2b3c.4d5e</c>, <c>001A2B3C4D5E</c>), normalised to lower-case colon-separated hex.
/// </summary>
public static class MacAddress
{
    public static bool TryNormalize(string? value, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        string trimmed = value.Trim();
        Span<char> hex = stackalloc char[12];
        int count = 0;
        foreach (char c in trimmed)
        {
            if (c is ':' or '-' or '.')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c) || count == 12)
            {
                return false;
            }

            hex[count++] = char.ToLowerInvariant(c);
        }

        // Separators, if any, must split the digits evenly: "00:1a:..." or "001a.2b3c.4d5e", not "0:01a2b...".
        if (count != 12 || !SeparatorsAreRegular(trimmed))
        {
            return false;
        }

        normalized = string.Create(17, hex.ToString(), static (span, digits) =>
        {
            for (int i = 0, j = 0; i < 6; i++)
            {
                if (i > 0)
                {
                    span[j++] = ':';
                }

                span[j++] = digits[2 * i];
                span[j++] = digits[(2 * i) + 1];
            }
        });
        return true;
    }

    private static bool SeparatorsAreRegular(string value)
    {
        string[] groups = value.Split(':', '-', '.');
        return groups.Length switch
        {
            1 => value.Length == 12,
            3 => groups.All(g => g.Length == 4) && value.Count(c => c == '.') == 2,
            6 => groups.All(g => g.Length == 2) && (value.Count(c => c == ':') == 5 || value.Count(c => c == '-') == 5),
            _ => false,
        };
    }
}

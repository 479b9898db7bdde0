using System.Text;

namespace CertBroker.Core.Names;

/// <summary>Text from a request made safe for a log line or a finding: control and format characters escaped, length capped.</summary>
public static class Printable
{
    public const int MaxLength = 200;

    public static string Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(Math.Min(value.Length, MaxLength) + 8);
        foreach (Rune rune in value.EnumerateRunes())
        {
            if (text.Length >= MaxLength)
            {
                return text.Append('…').ToString();
            }

            if (NameCharacters.IsForbidden(rune))
            {
                text.Append(rune.Value <= 0xFFFF ? $"\\u{rune.Value:x4}" : $"\\U{rune.Value:x8}");
            }
            else
            {
                text.Append(rune.ToString());
            }
        }

        return text.ToString();
    }
}

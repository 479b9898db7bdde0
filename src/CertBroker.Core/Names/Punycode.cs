using System.Globalization;
using System.Text;

namespace CertBroker.Core.Names;

/// <summary>
/// RFC 3492 Punycode, to tell a valid IDNA A-label from a look-alike: the broker runs with invariant globalization,
/// whose <see cref="IdnMapping"/> does not check labels.
/// </summary>
public static class Punycode
{
    private const int Base = 36;
    private const int TMin = 1;
    private const int TMax = 26;
    private const int Skew = 38;
    private const int Damp = 700;
    private const int InitialBias = 72;
    private const int InitialN = 128;

    /// <summary>
    /// Whether an "xn--" label decodes to a name of letters, marks, digits and hyphens with at least one non-ASCII
    /// character, and encodes back to the same label (RFC 5891 §5.4's round trip).
    /// </summary>
    public static bool IsValidALabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (!label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string encoded = label[4..].ToLowerInvariant();
        if (Decode(encoded) is not { } unicode || unicode.All(char.IsAscii))
        {
            return false;
        }

        foreach (Rune rune in unicode.EnumerateRunes())
        {
            UnicodeCategory category = Rune.GetUnicodeCategory(rune);
            bool allowed = rune.Value == '-' || Rune.IsLetterOrDigit(rune)
                || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (!allowed || (rune.IsAscii && char.IsAsciiLetterUpper((char)rune.Value)))
            {
                return false;
            }
        }

        return Encode(unicode) == encoded;
    }

    /// <returns>The decoded label, or null when it is not valid Punycode.</returns>
    public static string? Decode(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int delimiter = input.LastIndexOf('-');
        var output = new List<int>();
        for (int j = 0; j < Math.Max(delimiter, 0); j++)
        {
            if (input[j] >= 0x80)
            {
                return null;
            }

            output.Add(input[j]);
        }

        long n = InitialN;
        long i = 0;
        int bias = InitialBias;
        for (int position = delimiter > 0 ? delimiter + 1 : 0; position < input.Length;)
        {
            long oldI = i;
            long w = 1;
            for (int k = Base; ; k += Base)
            {
                if (position >= input.Length || Digit(input[position++]) is not int digit)
                {
                    return null;
                }

                i += digit * w;
                int t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                if (i > int.MaxValue)
                {
                    return null;
                }

                if (digit < t)
                {
                    break;
                }

                w *= Base - t;
                if (w > int.MaxValue)
                {
                    return null;
                }
            }

            bias = Adapt((int)(i - oldI), output.Count + 1, oldI == 0);
            n += i / (output.Count + 1);
            i %= output.Count + 1;
            if (n > 0x10FFFF || n is >= 0xD800 and <= 0xDFFF || n < 0x80)
            {
                return null;
            }

            output.Insert((int)i, (int)n);
            i++;
        }

        var text = new StringBuilder(output.Count);
        foreach (int codePoint in output)
        {
            text.Append(char.ConvertFromUtf32(codePoint));
        }

        return text.ToString();
    }

    /// <summary>The Punycode of <paramref name="unicode"/>, without the "xn--" prefix.</summary>
    public static string Encode(string unicode)
    {
        ArgumentNullException.ThrowIfNull(unicode);
        int[] input = [.. unicode.EnumerateRunes().Select(r => r.Value)];
        var output = new StringBuilder();
        foreach (int c in input.Where(c => c < 0x80))
        {
            output.Append((char)c);
        }

        int basic = output.Length;
        int handled = basic;
        if (basic > 0)
        {
            output.Append('-');
        }

        int n = InitialN;
        int delta = 0;
        int bias = InitialBias;
        while (handled < input.Length)
        {
            int m = input.Where(c => c >= n).Min();
            delta += (m - n) * (handled + 1);
            n = m;
            foreach (int c in input)
            {
                if (c < n)
                {
                    delta++;
                }

                if (c == n)
                {
                    int q = delta;
                    for (int k = Base; ; k += Base)
                    {
                        int t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                        if (q < t)
                        {
                            break;
                        }

                        output.Append(DigitChar(t + ((q - t) % (Base - t))));
                        q = (q - t) / (Base - t);
                    }

                    output.Append(DigitChar(q));
                    bias = Adapt(delta, handled + 1, handled == basic);
                    delta = 0;
                    handled++;
                }
            }

            delta++;
            n++;
        }

        return output.ToString();
    }

    private static int? Digit(char c) => c switch
    {
        >= 'a' and <= 'z' => c - 'a',
        >= '0' and <= '9' => c - '0' + 26,
        _ => null,
    };

    private static char DigitChar(int digit) => (char)(digit < 26 ? 'a' + digit : '0' + digit - 26);

    private static int Adapt(int delta, int points, bool first)
    {
        delta = first ? delta / Damp : delta / 2;
        delta += delta / points;
        int k = 0;
        while (delta > ((Base - TMin) * TMax) / 2)
        {
            delta /= Base - TMin;
            k += Base;
        }

        return k + (((Base - TMin + 1) * delta) / (delta + Skew));
    }
}

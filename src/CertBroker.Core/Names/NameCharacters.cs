using System.Globalization;
using System.Text;

namespace CertBroker.Core.Names;

/// <summary>Which characters a name may hold.</summary>
public static class NameCharacters
{
    /// <summary>
    /// Control characters (NUL, CR, LF, C1), format characters (bidirectional overrides, zero-width joiners),
    /// surrogates, private-use and unassigned code points: none of them belongs in a name a person reads.
    /// </summary>
    public static bool IsForbidden(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
        or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>X.680 PrintableString: letters, digits, space and '()+,-./:=?.</summary>
    public static bool IsPrintableString(string value)
    {
        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is ' ' or '\'' or '(' or ')' or '+' or ',' or '-' or '.' or '/' or ':' or '=' or '?'))
            {
                return false;
            }
        }

        return true;
    }
}

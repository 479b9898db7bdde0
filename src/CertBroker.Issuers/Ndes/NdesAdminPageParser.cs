using System.Text;
using System.Text.RegularExpressions;

namespace CertBroker.Issuers.Ndes;

/// <summary>
/// Reads a one-time password from an NDES <c>mscep_admin</c> page: real NDES and CertBroker's own page both say
/// "The enrollment challenge password is: &lt;B&gt; PASSWORD &lt;/B&gt;", in UTF-16LE without a byte-order mark
/// (NDES) or any encoding a proxy may have re-encoded it to.
/// </summary>
public static partial class NdesAdminPageParser
{
    /// <returns>The password, or null when the page carries none.</returns>
    /// <exception cref="Core.Backends.UpstreamChallengeException">The page says the password cache is full.</exception>
    public static string? ReadPassword(byte[] body)
    {
        string text = Decode(body);
        if (text.Contains("password cache is full", StringComparison.OrdinalIgnoreCase))
        {
            throw new Core.Backends.UpstreamChallengeException("The upstream's password cache is full: wait until an unused password is used or expires.");
        }

        Match match = PasswordPattern().Match(text);
        return match.Success ? match.Groups["password"].Value : null;
    }

    private static string Decode(byte[] body)
    {
        if (body.Length >= 2 && body[0] == 0xFF && body[1] == 0xFE)
        {
            return Encoding.Unicode.GetString(body, 2, body.Length - 2);
        }

        // UTF-16LE ASCII text has a zero in every odd byte.
        int zeros = 0;
        for (int i = 1; i < body.Length; i += 2)
        {
            zeros += body[i] == 0 ? 1 : 0;
        }

        return body.Length > 1 && zeros > body.Length / 4 ? Encoding.Unicode.GetString(body) : Encoding.UTF8.GetString(body);
    }

    [GeneratedRegex(@"challenge\s+password\s+is:?\s*(?:<\s*B\s*>)?\s*(?<password>[^\s<]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPattern();
}

using System.Security.Cryptography;

namespace CertBroker.Core.Policy;

/// <summary>
/// Known-compromised keys for WC-KEY-01, from <see cref="WeakCryptoOptions.BlocklistFile"/>: one hex SHA-256 a
/// line, of the DER SubjectPublicKeyInfo or of the RSA modulus (unsigned, big-endian, no leading zero), so lists
/// published either way (badkeys, converted Debian openssl-blacklist files) can be used; <c>#</c> starts a comment.
/// </summary>
public sealed class KeyBlocklist
{
    private readonly HashSet<string> _hashes;

    public KeyBlocklist(IEnumerable<string> lines)
    {
        _hashes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines)
        {
            string entry = line.Split('#', 2)[0].Trim();
            if (entry.Length == 64 && entry.All(Uri.IsHexDigit))
            {
                _hashes.Add(entry);
            }
        }
    }

    /// <summary>No keys: the rule finds nothing.</summary>
    public static KeyBlocklist Empty { get; } = new([]);

    public int Count => _hashes.Count;

    /// <summary>A hash of the listed entries, so a changed file counts as a changed policy.</summary>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(
        System.Text.Encoding.ASCII.GetBytes(string.Join('\n', _hashes.Select(h => h.ToLowerInvariant()).Order(StringComparer.Ordinal)))));

    /// <summary>Reads the file the options name; <see cref="Empty"/> when none is set.</summary>
    /// <exception cref="IOException">The configured file cannot be read: a silently empty blocklist would hide keys.</exception>
    public static KeyBlocklist Load(WeakCryptoOptions options) =>
        string.IsNullOrWhiteSpace(options.BlocklistFile) ? Empty : new KeyBlocklist(File.ReadLines(options.BlocklistFile));

    /// <summary>The listed hash the key matches, or null.</summary>
    public string? Contains(PolicySubject subject)
    {
        if (_hashes.Count == 0)
        {
            return null;
        }

        string spki = Convert.ToHexStringLower(SHA256.HashData(subject.SubjectPublicKeyInfo));
        if (_hashes.Contains(spki))
        {
            return spki;
        }

        if (subject.Modulus is { } n)
        {
            string modulus = Convert.ToHexStringLower(SHA256.HashData(n.ToByteArray(isUnsigned: true, isBigEndian: true)));
            return _hashes.Contains(modulus) ? modulus : null;
        }

        return null;
    }
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CertBroker.Core.Accounts;

/// <summary>
/// The shape of API token secrets, <c>cbt_</c> and 32 random bytes in base64url, and how they are hashed for storage.
/// The prefix lets secret scanners and people recognise a leaked token.
/// </summary>
public static class ApiTokenSecret
{
    public const string Prefix = "cbt_";

    private const int RandomBytes = 32;

    /// <summary>Length of a secret: the prefix and 43 base64url characters without padding.</summary>
    public static readonly int Length = Prefix.Length + Base64Url.GetEncodedLength(RandomBytes);

    public static string Generate()
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        return Prefix + Base64Url.EncodeToString(random);
    }

    /// <summary>Whether <paramref name="presented"/> could be a secret at all, checked before any look-up.</summary>
    public static bool IsWellFormed(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        return presented.Length == Length
            && presented.StartsWith(Prefix, StringComparison.Ordinal)
            && Base64Url.IsValid(presented.AsSpan(Prefix.Length));
    }

    /// <summary>
    /// Lower-case hex SHA-256 of the secret. A plain hash suffices, unlike for passwords: the secret carries 256 random
    /// bits, so there is nothing to guess. It also makes the hash usable as a look-up key.
    /// </summary>
    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>Whether <paramref name="secret"/> hashes to <paramref name="storedHash"/>, compared in constant time.</summary>
    public static bool Matches(string secret, string storedHash)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(storedHash);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(storedHash));
    }
}

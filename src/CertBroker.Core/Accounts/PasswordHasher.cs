using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace CertBroker.Core.Accounts;

/// <summary>
/// Hashes passwords with PBKDF2-HMAC-SHA256 and a 16-byte random salt into a self-describing string,
/// <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt base64&gt;$&lt;hash base64&gt;</c>, so the iteration count can be raised
/// later without invalidating stored hashes.
/// </summary>
public sealed class PasswordHasher
{
    public const string Algorithm = "pbkdf2-sha256";

    /// <summary>The lowest iteration count configuration may ask for.</summary>
    public const int MinimumConfiguredIterations = 100_000;

    /// <summary>The highest iteration count configured or accepted from a stored hash, so a damaged record cannot stall sign-in.</summary>
    public const int MaximumIterations = 10_000_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const char Separator = '$';

    public PasswordHasher(IOptions<PasswordHashingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Configuration is held to MinimumConfiguredIterations by the validator; tests may go lower to stay fast.
        Iterations = options.Value.Iterations;
        ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Iterations, MaximumIterations, nameof(options));
    }

    private long _iterationsRun;

    /// <summary>Iterations used for new hashes.</summary>
    public int Iterations { get; }

    /// <summary>
    /// PBKDF2 iterations this instance has run, hashing and verifying. The work a sign-in costs, whatever its outcome,
    /// is visible here: an unknown user must cost what a wrong password does.
    /// </summary>
    public long IterationsRun => Interlocked.Read(ref _iterationsRun);

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        Span<byte> salt = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(salt);
        Span<byte> hash = stackalloc byte[HashBytes];
        Rfc2898DeriveBytes.Pbkdf2(password, salt, hash, Iterations, HashAlgorithmName.SHA256);
        Interlocked.Add(ref _iterationsRun, Iterations);
        return Encode(Iterations, salt, hash);
    }

    /// <summary>
    /// Whether <paramref name="password"/> matches <paramref name="encodedHash"/>, compared in constant time. A hash
    /// this class cannot read matches nothing.
    /// </summary>
    public bool Verify(string password, string encodedHash)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(encodedHash);
        if (!TryParse(encodedHash, out int iterations, out byte[] salt, out byte[] expected))
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[HashBytes];
        Rfc2898DeriveBytes.Pbkdf2(password, salt, actual, iterations, HashAlgorithmName.SHA256);
        Interlocked.Add(ref _iterationsRun, iterations);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// A hash in the current format that no password matches (random bytes stand in for the derived key). Verifying
    /// against it costs as much as against a real hash, which is its purpose: to spend that time when there is no account.
    /// </summary>
    public string DecoyHash()
    {
        Span<byte> salt = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(salt);
        Span<byte> hash = stackalloc byte[HashBytes];
        RandomNumberGenerator.Fill(hash);
        return Encode(Iterations, salt, hash);
    }

    /// <summary>
    /// Whether a stored hash should be replaced at the next successful sign-in: it uses fewer iterations than configured,
    /// or a format this class does not write.
    /// </summary>
    public bool NeedsRehash(string encodedHash)
    {
        ArgumentNullException.ThrowIfNull(encodedHash);
        return !TryParse(encodedHash, out int iterations, out _, out _) || iterations < Iterations;
    }

    private static string Encode(int iterations, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> hash) =>
        string.Join(
            Separator,
            Algorithm,
            iterations.ToString(CultureInfo.InvariantCulture),
            Convert.ToBase64String(salt),
            Convert.ToBase64String(hash));

    private static bool TryParse(string encodedHash, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = [];
        hash = [];
        string[] parts = encodedHash.Split(Separator);
        if (parts.Length != 4 || parts[0] != Algorithm
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations is < 1 or > MaximumIterations)
        {
            return false;
        }

        salt = TryDecode(parts[2]) ?? [];
        hash = TryDecode(parts[3]) ?? [];
        return salt.Length >= SaltBytes && hash.Length == HashBytes;
    }

    private static byte[]? TryDecode(string base64)
    {
        var buffer = new byte[base64.Length * 3 / 4];
        return Convert.TryFromBase64String(base64, buffer, out int written) ? buffer[..written] : null;
    }
}

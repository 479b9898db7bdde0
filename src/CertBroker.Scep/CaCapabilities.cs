using System.Security.Cryptography;
using CertBroker.Scep.Cms;

namespace CertBroker.Scep;

/// <summary>
/// GetCACaps keywords (RFC 8894 §3.5.2). Order matters to some clients: certmonger takes the first cipher named, so
/// the strongest goes first.
/// </summary>
public static class CaCapabilities
{
    public const string Aes = "AES";
    public const string Des3 = "DES3";
    public const string GetNextCaCert = "GetNextCACert";
    public const string PostPkiOperation = "POSTPKIOperation";
    public const string Renewal = "Renewal";
    public const string Sha1 = "SHA-1";
    public const string Sha256 = "SHA-256";

    /// <summary>
    /// Not in RFC 8894's list, but strongSwan and sscep know it, and strongSwan 5.9.x (Debian 12) only accepts
    /// AES when it sees it: that release tests capability bit 3 (SHA-384) where it means AES or SCEPStandard.
    /// </summary>
    public const string Sha384 = "SHA-384";
    public const string Sha512 = "SHA-512";
    public const string ScepStandard = "SCEPStandard";

    /// <summary>The response body: one keyword a line, LF-separated (RFC 8894 §3.5.2 allows LF or CRLF).</summary>
    public static string Format(IEnumerable<string> capabilities) => string.Join('\n', capabilities);

    /// <summary>Parses a GetCACaps body; case-insensitive, CRLF or LF.</summary>
    public static IReadOnlySet<string> Parse(string body) =>
        body.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The client's choice (RFC 8894 §3.5.2): AES-128-CBC when AES or SCEPStandard is advertised, else 3DES when DES3
    /// is, else single DES, which every CA must support.
    /// </summary>
    public static ContentEncryptionAlgorithm StrongestCipher(IReadOnlySet<string> capabilities) =>
        capabilities.Contains(Aes) || capabilities.Contains(ScepStandard) ? ContentEncryptionAlgorithm.Aes128Cbc
        : capabilities.Contains(Des3) ? ContentEncryptionAlgorithm.DesEde3Cbc
        : ContentEncryptionAlgorithm.DesCbc;

    /// <summary>The strongest digest advertised (SCEPStandard promises SHA-256); SHA-1 when none is.</summary>
    public static HashAlgorithmName StrongestDigest(IReadOnlySet<string> capabilities) =>
        capabilities.Contains(Sha512) ? HashAlgorithmName.SHA512
        : capabilities.Contains(Sha256) || capabilities.Contains(ScepStandard) ? HashAlgorithmName.SHA256
        : HashAlgorithmName.SHA1;

    /// <summary>Whether PKIOperation may be sent by POST (RFC 8894 §4.3); GET otherwise.</summary>
    public static bool AllowsPost(IReadOnlySet<string> capabilities) =>
        capabilities.Contains(PostPkiOperation) || capabilities.Contains(ScepStandard);
}

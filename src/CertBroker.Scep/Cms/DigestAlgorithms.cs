using System.Security.Cryptography;

namespace CertBroker.Scep.Cms;

/// <summary>Maps digest OIDs to .NET hash names and the names SCEP capabilities and logs use.</summary>
public static class DigestAlgorithms
{
    public static HashAlgorithmName FromOid(string oid) => oid switch
    {
        Oids.Sha256 => HashAlgorithmName.SHA256,
        Oids.Sha1 => HashAlgorithmName.SHA1,
        Oids.Sha512 => HashAlgorithmName.SHA512,
        Oids.Sha384 => HashAlgorithmName.SHA384,
        Oids.Md5 => HashAlgorithmName.MD5,
        _ => throw new ScepFailureException(FailInfo.BadAlg, $"Unsupported digest algorithm {oid}."),
    };

    public static string ToOid(HashAlgorithmName hash) => hash.Name switch
    {
        "SHA256" => Oids.Sha256,
        "SHA1" => Oids.Sha1,
        "SHA512" => Oids.Sha512,
        "SHA384" => Oids.Sha384,
        "MD5" => Oids.Md5,
        _ => throw new ArgumentOutOfRangeException(nameof(hash), hash.Name, "Unsupported digest algorithm."),
    };

    /// <summary>"SHA-256" style name, as GetCACaps spells it.</summary>
    public static string DisplayName(HashAlgorithmName hash) => hash.Name switch
    {
        "SHA256" => "SHA-256",
        "SHA1" => "SHA-1",
        "SHA512" => "SHA-512",
        "SHA384" => "SHA-384",
        "MD5" => "MD5",
        _ => hash.Name ?? "unknown",
    };

    public static byte[] Hash(HashAlgorithmName hash, ReadOnlySpan<byte> data) => hash.Name switch
    {
        "SHA256" => SHA256.HashData(data),
        "SHA1" => SHA1.HashData(data),
        "SHA512" => SHA512.HashData(data),
        "SHA384" => SHA384.HashData(data),
        "MD5" => MD5.HashData(data),
        _ => throw new ArgumentOutOfRangeException(nameof(hash), hash.Name, "Unsupported digest algorithm."),
    };

    /// <summary>Digest OID implied by a combined signature OID such as sha256WithRSAEncryption; null for bare key OIDs.</summary>
    public static string? FromSignatureOid(string signatureOid) => signatureOid switch
    {
        Oids.Sha256WithRsa or Oids.EcdsaWithSha256 => Oids.Sha256,
        Oids.Sha1WithRsa or Oids.EcdsaWithSha1 => Oids.Sha1,
        Oids.Sha384WithRsa or Oids.EcdsaWithSha384 => Oids.Sha384,
        Oids.Sha512WithRsa or Oids.EcdsaWithSha512 => Oids.Sha512,
        Oids.Sha224WithRsa or Oids.EcdsaWithSha224 => Oids.Sha224,
        Oids.Md5WithRsa => Oids.Md5,
        _ => null,
    };
}

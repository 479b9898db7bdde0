namespace CertBroker.Scep;

/// <summary>Object identifiers used on the SCEP wire (RFC 8894 §3.2.1, RFC 5652, RFC 8017, RFC 5754).</summary>
public static class Oids
{
    // CMS content types (RFC 5652 §4, §5, §6).
    public const string Data = "1.2.840.113549.1.7.1";
    public const string SignedData = "1.2.840.113549.1.7.2";
    public const string EnvelopedData = "1.2.840.113549.1.7.3";

    // CMS signed attributes (RFC 5652 §11).
    public const string ContentType = "1.2.840.113549.1.9.3";
    public const string MessageDigest = "1.2.840.113549.1.9.4";
    public const string SigningTime = "1.2.840.113549.1.9.5";

    // SCEP authenticated attributes (RFC 8894 §3.2.1, id-VeriSign arc 2.16.840.1.113733.1.9).
    public const string ScepMessageType = "2.16.840.1.113733.1.9.2";
    public const string ScepPkiStatus = "2.16.840.1.113733.1.9.3";
    public const string ScepFailInfo = "2.16.840.1.113733.1.9.4";
    public const string ScepSenderNonce = "2.16.840.1.113733.1.9.5";
    public const string ScepRecipientNonce = "2.16.840.1.113733.1.9.6";
    public const string ScepTransactionId = "2.16.840.1.113733.1.9.7";
    public const string ScepFailInfoText = "1.3.6.1.5.5.7.24.1";

    // PKCS#9 request attributes (RFC 2985 §5.4).
    public const string ChallengePassword = "1.2.840.113549.1.9.7";
    public const string ExtensionRequest = "1.2.840.113549.1.9.14";

    // Digests.
    public const string Md5 = "1.2.840.113549.2.5";
    public const string Sha1 = "1.3.14.3.2.26";
    public const string Sha224 = "2.16.840.1.101.3.4.2.4";
    public const string Sha256 = "2.16.840.1.101.3.4.2.1";
    public const string Sha384 = "2.16.840.1.101.3.4.2.2";
    public const string Sha512 = "2.16.840.1.101.3.4.2.3";

    // RSA (RFC 8017 Appendix C).
    public const string RsaEncryption = "1.2.840.113549.1.1.1";
    public const string Md5WithRsa = "1.2.840.113549.1.1.4";
    public const string Sha1WithRsa = "1.2.840.113549.1.1.5";
    public const string RsaesOaep = "1.2.840.113549.1.1.7";
    public const string Mgf1 = "1.2.840.113549.1.1.8";
    public const string RsassaPss = "1.2.840.113549.1.1.10";
    public const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    public const string Sha384WithRsa = "1.2.840.113549.1.1.12";
    public const string Sha512WithRsa = "1.2.840.113549.1.1.13";
    public const string Sha224WithRsa = "1.2.840.113549.1.1.14";

    // ECDSA (RFC 5758 §3.2), for CSRs with EC keys.
    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string EcdsaWithSha1 = "1.2.840.10045.4.1";
    public const string EcdsaWithSha224 = "1.2.840.10045.4.3.1";
    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    public const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";
    public const string EcdsaWithSha512 = "1.2.840.10045.4.3.4";

    // Content encryption.
    public const string DesCbc = "1.3.14.3.2.7";
    public const string DesEde3Cbc = "1.2.840.113549.3.7";
    public const string Rc2Cbc = "1.2.840.113549.3.2";
    public const string Aes128Cbc = "2.16.840.1.101.3.4.1.2";
    public const string Aes192Cbc = "2.16.840.1.101.3.4.1.22";
    public const string Aes256Cbc = "2.16.840.1.101.3.4.1.42";

    // X.509 extensions.
    public const string SubjectAltName = "2.5.29.17";
    public const string SubjectKeyIdentifierExtension = "2.5.29.14";
}

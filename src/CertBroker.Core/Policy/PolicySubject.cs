using System.Formats.Asn1;
using System.Numerics;

namespace CertBroker.Core.Policy;

/// <summary>
/// What the rules check, decoded once: the public key, the signature algorithm and, for a SCEP request, the
/// envelope's cipher and the message digest. Rules that have nothing to look at (no envelope for an imported
/// certificate) find nothing.
/// </summary>
public sealed record PolicySubject
{
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";
    private const string DsaOid = "1.2.840.10040.4.1";

    private PolicySubject(SubjectKind kind, byte[] subjectPublicKeyInfo)
    {
        Kind = kind;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        try
        {
            var spki = new AsnReader(subjectPublicKeyInfo, AsnEncodingRules.BER).ReadSequence();
            AsnReader algorithm = spki.ReadSequence();
            KeyAlgorithmOid = algorithm.ReadObjectIdentifier();
            if (KeyAlgorithmOid == EcOid && algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                CurveOid = algorithm.ReadObjectIdentifier();
            }

            byte[] key = spki.ReadBitString(out _);
            if (KeyAlgorithmOid == RsaOid)
            {
                // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1)
                AsnReader rsa = new AsnReader(key, AsnEncodingRules.BER).ReadSequence();
                Modulus = rsa.ReadInteger();
                Exponent = rsa.ReadInteger();
            }
        }
        catch (AsnContentException)
        {
            KeyAlgorithmOid = "unreadable";
        }
    }

    public SubjectKind Kind { get; }

    /// <summary>DER SubjectPublicKeyInfo.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>The key's algorithm OID, e.g. 1.2.840.113549.1.1.1 for RSA.</summary>
    public string KeyAlgorithmOid { get; }

    public bool IsRsa => KeyAlgorithmOid == RsaOid && Modulus is not null;

    public bool IsEc => KeyAlgorithmOid == EcOid;

    public bool IsDsa => KeyAlgorithmOid == DsaOid;

    /// <summary>The named curve of an EC key; null for explicit parameters or other keys.</summary>
    public string? CurveOid { get; }

    /// <summary>RSA modulus n; null for other keys.</summary>
    public BigInteger? Modulus { get; }

    /// <summary>RSA public exponent e; null for other keys.</summary>
    public BigInteger? Exponent { get; }

    /// <summary>Signature algorithm OID of the request or certificate.</summary>
    public string? SignatureAlgorithmOid { get; init; }

    /// <summary>A certificate whose issuer is its subject (a root): WC-SIG-02 only notes SHA-1 on it.</summary>
    public bool SelfSigned { get; init; }

    /// <summary>The SCEP envelope's content encryption, e.g. "DES-CBC"; null outside SCEP.</summary>
    public string? ContentEncryption { get; init; }

    /// <summary>The pkiMessage's digest algorithm, e.g. "SHA-1"; null outside SCEP.</summary>
    public string? MessageDigest { get; init; }

    /// <summary>The validity asked for or issued.</summary>
    public TimeSpan? Validity { get; init; }

    /// <summary>The profile's maximum validity, for WC-VAL-01; null when no profile applies.</summary>
    public TimeSpan? MaximumValidity { get; init; }

    /// <summary>Whether the profile allows brainpool curves (WC-EC-01).</summary>
    public bool BrainpoolAllowed { get; init; }

    /// <summary>RSA modulus length in bits; 0 for other keys.</summary>
    public long ModulusBits => Modulus is { Sign: > 0 } n ? (long)n.GetBitLength() : 0;

    public static PolicySubject ForRequest(byte[] subjectPublicKeyInfo) => new(SubjectKind.Request, subjectPublicKeyInfo);

    public static PolicySubject ForCertificate(byte[] subjectPublicKeyInfo) => new(SubjectKind.Certificate, subjectPublicKeyInfo);
}

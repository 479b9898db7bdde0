using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Scep.Cms;

namespace CertBroker.Scep;

/// <summary>
/// A PKCS#10 certification request (RFC 2986), parsed leniently: BER is accepted and the challengePassword may use
/// any string type with any characters (certmonger sends non-printable characters as PrintableString).
/// </summary>
public sealed class CertificationRequest
{
    private CertificationRequest(
        byte[] encoded,
        X500DistinguishedName subject,
        byte[] subjectPublicKeyInfo,
        string? challengePassword,
        IReadOnlyList<X509Extension> extensions,
        IReadOnlyList<string> otherAttributes,
        AlgorithmIdentifier signatureAlgorithm,
        ReadOnlyMemory<byte> signedPart,
        byte[] signature)
    {
        OtherAttributes = otherAttributes;
        Encoded = encoded;
        Subject = subject;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        ChallengePassword = challengePassword;
        Extensions = extensions;
        SignatureAlgorithm = signatureAlgorithm;
        SignedPart = signedPart;
        Signature = signature;
    }

    /// <summary>The request as received.</summary>
    public byte[] Encoded { get; }

    public X500DistinguishedName Subject { get; }

    /// <summary>DER SubjectPublicKeyInfo.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    public string? ChallengePassword { get; }

    /// <summary>Extensions requested through the extensionRequest attribute (RFC 2985 §5.4.2).</summary>
    public IReadOnlyList<X509Extension> Extensions { get; }

    /// <summary>The OIDs of the request's other attributes (neither challengePassword nor extensionRequest), such as
    /// Microsoft's name/value pairs, which an upstream CA might read and the broker does not.</summary>
    public IReadOnlyList<string> OtherAttributes { get; }

    public AlgorithmIdentifier SignatureAlgorithm { get; }

    private ReadOnlyMemory<byte> SignedPart { get; }

    private byte[] Signature { get; }

    /// <summary>Parses a DER or BER request.</summary>
    /// <exception cref="ScepFailureException">badRequest when the request does not parse.</exception>
    public static CertificationRequest Parse(byte[] encoded)
    {
        try
        {
            var reader = new AsnReader(encoded, AsnEncodingRules.BER);
            AsnReader request = reader.ReadSequence();
            ReadOnlyMemory<byte> info = request.PeekEncodedValue();
            AsnReader infoReader = request.ReadSequence();
            AlgorithmIdentifier signatureAlgorithm = Asn.ReadAlgorithmIdentifier(request);
            byte[] signature = request.ReadBitString(out _);

            infoReader.ReadInteger();
            var subject = new X500DistinguishedName(infoReader.ReadEncodedValue().Span);
            byte[] spki = infoReader.ReadEncodedValue().ToArray();
            string? challenge = null;
            var extensions = new List<X509Extension>();
            var others = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var attributesTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (infoReader.HasData && infoReader.PeekTag() == attributesTag)
            {
                AsnReader attributes = infoReader.ReadSetOf(skipSortOrderValidation: true, expectedTag: attributesTag);
                while (attributes.HasData)
                {
                    AsnReader attribute = attributes.ReadSequence();
                    string oid = attribute.ReadObjectIdentifier();
                    AsnReader values = attribute.ReadSetOf(skipSortOrderValidation: true);
                    if (!seen.Add(oid))
                    {
                        // Two of one attribute: which one a CA would read is anybody's guess.
                        throw new ScepFailureException(FailInfo.BadRequest, $"The certification request carries attribute {oid} twice.");
                    }

                    if (!values.HasData)
                    {
                        continue;
                    }

                    if (oid == Oids.ChallengePassword)
                    {
                        challenge = Asn.ReadLenientString(values);
                    }
                    else if (oid == Oids.ExtensionRequest)
                    {
                        ReadExtensions(values.ReadSequence(), extensions);
                        if (values.HasData)
                        {
                            throw new ScepFailureException(FailInfo.BadRequest, "The extensionRequest attribute has more than one value.");
                        }
                    }
                    else
                    {
                        others.Add(oid);
                    }
                }
            }

            // A DER re-encoding is needed for the signature only when the client sent BER; keep what was signed otherwise.
            return new CertificationRequest(encoded, subject, spki, challenge, extensions, others, signatureAlgorithm, info, signature);
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException)
        {
            throw new ScepFailureException(FailInfo.BadRequest, "Malformed certification request.", ex);
        }
    }

    /// <summary>The public key, usable for issuing.</summary>
    /// <exception cref="ScepFailureException">badAlg for key types .NET cannot load.</exception>
    public PublicKey GetPublicKey()
    {
        try
        {
            return PublicKey.CreateFromSubjectPublicKeyInfo(SubjectPublicKeyInfo, out _);
        }
        catch (CryptographicException ex)
        {
            throw new ScepFailureException(FailInfo.BadAlg, "Unsupported public key in the certification request.", ex);
        }
    }

    /// <summary>Checks the proof of possession: the request is signed by the key it carries.</summary>
    /// <param name="signedBy">The pkiMessage that carried the request: when its signer holds the same key (a first
    /// enrolment's self-signed certificate usually does), its already imported key is used.</param>
    public bool VerifySignature(PkiMessage? signedBy = null)
    {
        byte[] data = SignedPart.ToArray();
        try
        {
            if (signedBy?.SignerRsaKey is RSA known && signedBy.SignerCertificate.SubjectPublicKeyInfo.Span.SequenceEqual(SubjectPublicKeyInfo))
            {
                return SignedDataCheck.Verify(SignatureAlgorithm, data, Signature, known);
            }

            PublicKey key = GetPublicKey();
            using AsymmetricAlgorithm? loaded = key.Oid.Value == Oids.EcPublicKey ? key.GetECDsaPublicKey() : key.GetRSAPublicKey();
            return SignedDataCheck.Verify(SignatureAlgorithm, data, Signature, loaded);
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException)
        {
            // A named curve the platform lacks surfaces as PlatformNotSupportedException (found by fuzzing).
            return false;
        }
    }

    /// <summary>The subjectAltName extension the request asks for, if any.</summary>
    public X509Extension? SubjectAlternativeName => Extensions.FirstOrDefault(e => e.Oid?.Value == Oids.SubjectAltName);

    /// <summary>Lower-case hex SHA-256 of the SubjectPublicKeyInfo: the request's key identity.</summary>
    public string PublicKeySha256 => _publicKeySha256 ??= Convert.ToHexStringLower(SHA256.HashData(SubjectPublicKeyInfo));

    private string? _publicKeySha256;


    private static void ReadExtensions(AsnReader sequence, List<X509Extension> into)
    {
        while (sequence.HasData)
        {
            AsnReader extension = sequence.ReadSequence();
            string oid = extension.ReadObjectIdentifier();
            bool critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
            byte[] value = extension.ReadOctetString();
            extension.ThrowIfNotEmpty();
            into.Add(new X509Extension(oid, value, critical));
        }
    }
}

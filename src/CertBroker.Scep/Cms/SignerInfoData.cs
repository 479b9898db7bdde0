namespace CertBroker.Scep.Cms;

/// <summary>A SignerInfo (RFC 5652 §5.3) as sent.</summary>
public sealed record SignerInfoData
{
    /// <summary>The signer's IssuerAndSerialNumber, when the sid uses that form.</summary>
    public IssuerAndSerial? IssuerAndSerial { get; init; }

    /// <summary>The signer's subjectKeyIdentifier, when the sid uses that form.</summary>
    public ReadOnlyMemory<byte>? SubjectKeyIdentifier { get; init; }

    public required AlgorithmIdentifier DigestAlgorithm { get; init; }

    /// <summary>The signedAttrs field as received, starting with its [0] tag.</summary>
    public required ReadOnlyMemory<byte> SignedAttributesEncoded { get; init; }

    public required IReadOnlyList<CmsAttribute> SignedAttributes { get; init; }

    public required AlgorithmIdentifier SignatureAlgorithm { get; init; }

    public required byte[] Signature { get; init; }

    public CmsAttribute? FindAttribute(string oid)
    {
        foreach (CmsAttribute attribute in SignedAttributes)
        {
            if (attribute.Oid == oid)
            {
                return attribute;
            }
        }

        return null;
    }
}

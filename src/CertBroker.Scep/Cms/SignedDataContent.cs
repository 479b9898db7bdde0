namespace CertBroker.Scep.Cms;

/// <summary>A parsed SignedData (RFC 5652 §5.1).</summary>
public sealed record SignedDataContent
{
    public required string EncapsulatedContentType { get; init; }

    /// <summary>The eContent octets, or null when the content is absent (FAILURE, PENDING, degenerate).</summary>
    public byte[]? Content { get; init; }

    /// <summary>Certificates in the certificates field, DER as sent.</summary>
    public required IReadOnlyList<ReadOnlyMemory<byte>> Certificates { get; init; }

    /// <summary>CRLs in the crls field, DER as sent.</summary>
    public required IReadOnlyList<ReadOnlyMemory<byte>> Crls { get; init; }

    public required IReadOnlyList<SignerInfoData> Signers { get; init; }
}

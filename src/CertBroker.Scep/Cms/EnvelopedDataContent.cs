namespace CertBroker.Scep.Cms;

/// <summary>A parsed EnvelopedData (RFC 5652 §6.1).</summary>
public sealed record EnvelopedDataContent(
    IReadOnlyList<KeyTransRecipient> Recipients,
    AlgorithmIdentifier ContentEncryptionAlgorithm,
    byte[] EncryptedContent);

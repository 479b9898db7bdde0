namespace CertBroker.Scep.Cms;

/// <summary>A KeyTransRecipientInfo (RFC 5652 §6.2.1).</summary>
public sealed record KeyTransRecipient(
    IssuerAndSerial? IssuerAndSerial,
    ReadOnlyMemory<byte>? SubjectKeyIdentifier,
    AlgorithmIdentifier KeyEncryptionAlgorithm,
    byte[] EncryptedKey);

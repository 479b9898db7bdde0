using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Scep.Cms;

/// <summary>A parsed EnvelopedData (RFC 5652 §6.1).</summary>
public sealed record EnvelopedDataContent(
    IReadOnlyList<KeyTransRecipient> Recipients,
    AlgorithmIdentifier ContentEncryptionAlgorithm,
    byte[] EncryptedContent);

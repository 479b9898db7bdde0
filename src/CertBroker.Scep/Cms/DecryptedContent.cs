using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Scep.Cms;

/// <summary>What came out of an envelope and how it was protected.</summary>
public sealed record DecryptedContent(byte[] Content, ContentEncryptionAlgorithm Algorithm, X509Certificate2 Recipient);

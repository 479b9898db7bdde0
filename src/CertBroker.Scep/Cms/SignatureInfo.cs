using System.Security.Cryptography;

namespace CertBroker.Scep.Cms;

/// <summary>How a SignerInfo was signed, for logs, the store and the weak-crypto policy.</summary>
/// <param name="Digest">The SignerInfo digestAlgorithm.</param>
/// <param name="Scheme">"RSA-PKCS1", "RSA-PSS" or "ECDSA".</param>
public readonly record struct SignatureInfo(HashAlgorithmName Digest, string Scheme);

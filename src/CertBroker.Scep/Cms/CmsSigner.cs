using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Scep.Cms;

/// <summary>The key and certificate a SignedData is signed with. The key is used concurrently and never disposed here.</summary>
public sealed record CmsSigner(X509Certificate2 Certificate, RSA Key, HashAlgorithmName Digest);

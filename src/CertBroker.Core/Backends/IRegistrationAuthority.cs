using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Backends;

/// <summary>
/// The RA identity devices talk to: a signing certificate (digitalSignature) for CertRep replies and an encryption
/// certificate (keyEncipherment) that requests are enveloped to, as NDES presents them.
/// Keys are loaded once at start-up; RSA instances are used concurrently for private-key operations.
/// </summary>
public interface IRegistrationAuthority
{
    X509Certificate2 SigningCertificate { get; }

    RSA SigningKey { get; }

    X509Certificate2 EncryptionCertificate { get; }

    RSA EncryptionKey { get; }

    /// <summary>
    /// Certificates whose private keys may decrypt a request envelope, most preferred first
    /// (encryption RA, then signing RA). Clients that encrypt to every certificate from GetCACert still work.
    /// </summary>
    IReadOnlyList<(X509Certificate2 Certificate, RSA Key)> DecryptionKeys { get; }
}

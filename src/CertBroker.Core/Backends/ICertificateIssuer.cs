using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Backends;

/// <summary>
/// Signs certificates for a profile. The embedded CA and an upstream CA connector both sit behind this interface;
/// it knows nothing of inventory or transactions.
/// </summary>
public interface ICertificateIssuer
{
    /// <summary>The issuing CA certificate followed by its chain up to the root (root last).</summary>
    IReadOnlyList<X509Certificate2> CaChain { get; }

    /// <summary>
    /// Issues a certificate for <paramref name="request"/>. The issuer chooses the serial number (random, positive,
    /// at least 64 bits from a CSPRNG); the store enforces its uniqueness and the caller retries on a clash.
    /// </summary>
    Task<IssuedCertificate> IssueAsync(IssueRequest request, CancellationToken cancellationToken);
}

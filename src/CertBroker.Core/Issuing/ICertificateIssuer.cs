using System.Security.Cryptography.X509Certificates;

namespace CertBroker.Core.Issuing;

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

/// <summary>Publishes revocation information for the certificates an issuer signed.</summary>
public interface ICrlPublisher
{
    /// <summary>The current DER-encoded CRL, regenerated when it is close to its next update or after a revocation.</summary>
    Task<byte[]> GetCurrentCrlAsync(CancellationToken cancellationToken);

    /// <summary>Forces a new CRL to be signed now (after a revocation).</summary>
    Task<byte[]> PublishAsync(CancellationToken cancellationToken);
}

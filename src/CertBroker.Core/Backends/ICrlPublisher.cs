namespace CertBroker.Core.Backends;

/// <summary>Publishes revocation information for the certificates an issuer signed.</summary>
public interface ICrlPublisher
{
    /// <summary>The current DER-encoded CRL, regenerated when it is close to its next update or after a revocation.</summary>
    Task<byte[]> GetCurrentCrlAsync(CancellationToken cancellationToken);

    /// <summary>Forces a new CRL to be signed now (after a revocation).</summary>
    Task<byte[]> PublishAsync(CancellationToken cancellationToken);
}

namespace CertBroker.Core.Backends;

/// <summary>A backend whose CRL the broker serves through GetCRL (RFC 8894 §3.3.4).</summary>
public interface ICrlSource
{
    /// <summary>The current DER-encoded CRL.</summary>
    Task<byte[]> GetCurrentCrlAsync(CancellationToken cancellationToken);
}

using System.Security.Cryptography;
using CertBroker.Core.Backends;
using CertBroker.Core.Cluster;

namespace CertBroker.Server.Hosting;

/// <summary>
/// One CA, however many nodes: the first start records the embedded CA certificate's SHA-256 thumbprint in the
/// database, and a node that starts with another CA certificate is refused before it listens, since its certificates
/// and CRLs would not chain to what the other nodes hand out.
/// </summary>
internal static class CaInstallationCheck
{
    /// <summary>The installation fact the thumbprint is recorded under.</summary>
    public const string EmbeddedCaKey = "ca.embedded.sha256";

    /// <exception cref="CaMismatchException">The database was created with another CA certificate.</exception>
    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ICertificateIssuer issuer = services.GetRequiredService<ICertificateIssuer>();
        IInstallationStore installation = services.GetRequiredService<IInstallationStore>();
        TimeProvider time = services.GetRequiredService<TimeProvider>();
        string thumbprint = issuer.CaChain[0].GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant();
        string recorded = await installation.GetOrAddAsync(EmbeddedCaKey, thumbprint, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (!string.Equals(recorded, thumbprint, StringComparison.OrdinalIgnoreCase))
        {
            throw new CaMismatchException(thumbprint, recorded);
        }
    }
}

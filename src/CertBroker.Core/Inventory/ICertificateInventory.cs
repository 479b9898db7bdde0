using CertBroker.Core.Audit;
using CertBroker.Core.Model;

namespace CertBroker.Core.Inventory;

/// <summary>Admin look-ups and changes over issued certificates.</summary>
public interface ICertificateInventory
{
    Task<IReadOnlyList<CertificateRecord>> ListCertificatesAsync(CertificateQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the certificate revoked with an RFC 5280 reason and writes <paramref name="auditEvent"/> in the same
    /// transaction. The caller then has the CRL re-signed.
    /// </summary>
    /// <returns>The revoked certificate, or null when there is no such serial.</returns>
    Task<CertificateRecord?> RevokeAsync(string serial, int reason, DateTimeOffset revokedAt, AuditEvent auditEvent, CancellationToken cancellationToken);
}

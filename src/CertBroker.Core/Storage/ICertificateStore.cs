using CertBroker.Core.Model;

namespace CertBroker.Core.Storage;

/// <summary>Look-ups over issued certificates.</summary>
public interface ICertificateStore
{
    Task<CertificateRecord?> FindBySerialAsync(string serial, CancellationToken cancellationToken);

    Task<CertificateRecord?> FindByThumbprintAsync(string thumbprintSha256, CancellationToken cancellationToken);

    /// <summary>Revoked certificates that have not yet expired, for the CRL.</summary>
    Task<IReadOnlyList<CertificateRecord>> ListRevokedAsync(DateTimeOffset notExpiredAt, CancellationToken cancellationToken);

    /// <summary>Marks a certificate revoked. Returns false when no such certificate exists.</summary>
    Task<bool> RevokeAsync(string serial, int reason, DateTimeOffset revokedAt, CancellationToken cancellationToken);
}

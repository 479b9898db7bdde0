using System.Collections.Concurrent;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Issuers.Tests.Support;

/// <summary>Just enough of a certificate store for the CRL: revoked records, keyed by serial.</summary>
internal sealed class InMemoryCertificateStore : ICertificateStore
{
    private readonly ConcurrentDictionary<string, CertificateRecord> records = new(StringComparer.Ordinal);

    public void Add(CertificateRecord record) => records[record.Serial] = record;

    public Task<CertificateRecord?> FindBySerialAsync(string serial, CancellationToken cancellationToken) =>
        Task.FromResult(records.GetValueOrDefault(serial));

    public Task<CertificateRecord?> FindByThumbprintAsync(string thumbprintSha256, CancellationToken cancellationToken) =>
        Task.FromResult(records.Values.FirstOrDefault(r => r.ThumbprintSha256 == thumbprintSha256));

    public Task<IReadOnlyList<CertificateRecord>> ListRevokedAsync(DateTimeOffset notExpiredAt, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CertificateRecord>>(
            records.Values.Where(r => r.RevokedAt is not null && r.NotAfter > notExpiredAt).ToList());

    public Task<bool> RevokeAsync(string serial, int reason, DateTimeOffset revokedAt, CancellationToken cancellationToken)
    {
        if (!records.TryGetValue(serial, out var record))
        {
            return Task.FromResult(false);
        }

        records[serial] = record with { RevokedAt = revokedAt, RevocationReason = reason };
        return Task.FromResult(true);
    }
}

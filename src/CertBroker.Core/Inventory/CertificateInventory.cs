using CertBroker.Core.Audit;
using CertBroker.Core.Storage;

namespace CertBroker.Core.Inventory;

/// <summary>Where a certificate stands at a given time.</summary>
public enum CertificateState
{
    Valid,
    Expired,
    Revoked,
}

/// <summary>A page of certificates, newest first; every filter is optional.</summary>
public sealed record CertificateQuery
{
    public string? Profile { get; init; }

    public CertificateState? State { get; init; }

    /// <summary>Certificates still valid that end within this many days.</summary>
    public int? ExpiresWithinDays { get; init; }

    /// <summary>Case-insensitive text searched in subject, serial and subjectAltNames.</summary>
    public string? Text { get; init; }

    public long? DeviceId { get; init; }

    public required DateTimeOffset Now { get; init; }

    public int Limit { get; init; } = 100;

    public int Offset { get; init; }
}

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

/// <summary>RFC 5280 §5.3.1 CRLReason names as the API takes them.</summary>
public static class RevocationReasons
{
    private static readonly Dictionary<string, int> Codes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["unspecified"] = 0,
        ["keyCompromise"] = 1,
        ["cACompromise"] = 2,
        ["affiliationChanged"] = 3,
        ["superseded"] = 4,
        ["cessationOfOperation"] = 5,
        ["certificateHold"] = 6,
        ["privilegeWithdrawn"] = 9,
        ["aACompromise"] = 10,
    };

    /// <summary>The names accepted, in code order (removeFromCRL is for delta CRLs only, so it is not offered).</summary>
    public static IEnumerable<string> Names => Codes.OrderBy(c => c.Value).Select(c => c.Key);

    public static bool TryParse(string? name, out int code)
    {
        code = 0;
        return name is not null && Codes.TryGetValue(name, out code);
    }

    public static string NameOf(int code) => Codes.FirstOrDefault(c => c.Value == code).Key ?? code.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;

namespace CertBroker.Core.Policy;

/// <summary>The storage the weak-crypto policy needs beyond the issue write: re-scans, imports and the settings hash.</summary>
public interface IPolicyStore
{
    /// <summary>Up to <paramref name="limit"/> certificates with an id above <paramref name="afterId"/>, by id.</summary>
    Task<IReadOnlyList<InventoryCertificate>> ListCertificatesAsync(long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the findings of each certificate in <paramref name="batch"/>, in one transaction, leaving the rows
    /// of <paramref name="keepRuleId"/> alone (WC-KEY-04 is computed over the whole inventory afterwards).
    /// </summary>
    Task ReplaceFindingsAsync(IReadOnlyList<CertificateFindings> batch, string? keepRuleId, DateTimeOffset foundAt, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="findings"/> the only rows of <paramref name="ruleId"/> in the whole table.</summary>
    Task ReplaceRuleFindingsAsync(string ruleId, IReadOnlyList<CertificateFindings> findings, DateTimeOffset foundAt, CancellationToken cancellationToken);

    /// <summary>The hash of the policy settings the inventory was last checked against; null before the first check.</summary>
    Task<string?> GetPolicyHashAsync(CancellationToken cancellationToken);

    /// <summary>Records the settings hash after a complete re-scan, with its audit event (if any) in the same transaction.</summary>
    Task SetPolicyHashAsync(string hash, DateTimeOffset at, AuditEvent? auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Stores an imported certificate (<see cref="CertificateRecord.Source"/> Imported) with its findings, the
    /// device it belongs to (created or updated from <paramref name="device"/>) and its audit event, in one
    /// transaction. Idempotent by SHA-256 thumbprint. A serial already used by another certificate is stored
    /// as <c>serial:thumbprint-prefix</c>, since serials are only unique per issuer.
    /// </summary>
    Task<ImportOutcome> ImportAsync(CertificateRecord certificate, DeviceObservation? device, AuditEvent auditEvent, CancellationToken cancellationToken);
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CertBroker.Core.Audit;
using CertBroker.Core.Model;
using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;
using Microsoft.Extensions.Logging;

namespace CertBroker.Core.Policy;

/// <summary>
/// Runs the weak-crypto rules over every certificate in the inventory, in batches of
/// <see cref="WeakCryptoOptions.RescanBatchSize"/> (one read and one write each), then WC-KEY-04 across all keys.
/// Used by the scheduled re-scan and at start-up when <see cref="WeakCryptoPolicy.SettingsHash"/> differs from the
/// hash stored after the last complete scan. Certificates of a profile whose mode is Off get their findings
/// cleared, as the policy does not apply to them.
/// </summary>
public sealed partial class PolicyRescan(
    IPolicyStore store,
    WeakCryptoPolicy policy,
    ProfileCatalog profiles,
    TimeProvider time,
    ILogger<PolicyRescan> logger,
    AuditRecorder audit) : IPolicyRescan
{
    /// <summary>The audit actor of the broker's own policy decisions.</summary>
    public const string SystemActor = "system";

    /// <summary>Re-scans only when the policy settings changed since the last complete scan.</summary>
    /// <returns>The summary, or null when nothing changed.</returns>
    public async Task<RescanSummary?> RunIfPolicyChangedAsync(CancellationToken cancellationToken)
    {
        string hash = policy.SettingsHash(profiles.All);
        string? stored = await store.GetPolicyHashAsync(cancellationToken).ConfigureAwait(false);
        return string.Equals(stored, hash, StringComparison.Ordinal) ? null : await RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks the whole inventory and records the settings it was checked against.</summary>
    public async Task<RescanSummary> RunAsync(CancellationToken cancellationToken)
    {
        int batchSize = Math.Max(1, policy.Options.RescanBatchSize);
        var shared = new SharedKeyScan();
        int checkedCount = 0;
        int withFindings = 0;
        long afterId = 0;
        while (true)
        {
            IReadOnlyList<InventoryCertificate> batch = await store.ListCertificatesAsync(afterId, batchSize, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                break;
            }

            var results = new List<CertificateFindings>(batch.Count);
            foreach (InventoryCertificate certificate in batch)
            {
                IReadOnlyList<Finding> findings = Evaluate(certificate, shared);
                withFindings += findings.Count > 0 ? 1 : 0;
                results.Add(new CertificateFindings(certificate.Id, findings));
            }

            await store.ReplaceFindingsAsync(results, SharedKeyRuleId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            checkedCount += batch.Count;
            afterId = batch[^1].Id;
        }

        bool primes = shared.DistinctModuli <= policy.Options.SharedPrimeScanLimit;
        if (!primes)
        {
            LogSharedPrimesSkipped(shared.DistinctModuli, policy.Options.SharedPrimeScanLimit);
        }

        IReadOnlyList<CertificateFindings> sharedFindings = shared.Findings(primes);
        DateTimeOffset now = time.GetUtcNow();
        await store.ReplaceRuleFindingsAsync(SharedKeyRuleId, sharedFindings, now, cancellationToken).ConfigureAwait(false);

        var summary = new RescanSummary(checkedCount, withFindings, primes);

        // An empty inventory (a first start) decides nothing worth an audit event; the hash is stored all the same.
        AuditEvent? auditEvent = checkedCount == 0 ? null : new AuditEvent
        {
            Time = now,
            Action = AuditActions.PolicyRescanned,
            Outcome = AuditOutcome.Success,
            Actor = SystemActor,
            Details = $"Checked {checkedCount} certificates: {withFindings} with findings, {sharedFindings.Count} sharing a key or prime.",
        };
        await store.SetPolicyHashAsync(policy.SettingsHash(profiles.All), now, auditEvent, cancellationToken).ConfigureAwait(false);
        if (auditEvent is not null)
        {
            audit.Committed(auditEvent);
        }

        LogRescanned(checkedCount, withFindings, sharedFindings.Count);
        return summary;
    }

    /// <inheritdoc />
    /// <remarks>The scheduled job's entry point: a complete <see cref="RunAsync"/>.</remarks>
    public async Task<int> RescanAsync(CancellationToken cancellationToken) =>
        (await RunAsync(cancellationToken).ConfigureAwait(false)).Certificates;

    private const string SharedKeyRuleId = "WC-KEY-04";

    private IReadOnlyList<Finding> Evaluate(InventoryCertificate certificate, SharedKeyScan shared)
    {
        ScepProfile? profile = profiles.Find(certificate.Profile);
        if (profile?.Options.WeakCrypto == WeakCryptoMode.Off)
        {
            return [];
        }

        try
        {
            using X509Certificate2 parsed = X509CertificateLoader.LoadCertificate(certificate.Der);
            shared.Add(certificate.Id, certificate.Serial, certificate.DeviceId, PolicySubject.ForCertificate(parsed.PublicKey.ExportSubjectPublicKeyInfo()));
            return policy.EvaluateCertificate(parsed, profile);
        }
        catch (CryptographicException ex)
        {
            // Stored certificates were parsed when they came in; one that no longer parses is worth a log line, not a stop.
            LogUnreadable(ex, certificate.Serial);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy re-scan checked {Certificates} certificates: {WithFindings} with findings, {SharedKeys} sharing a key or prime")]
    private partial void LogRescanned(int certificates, int withFindings, int sharedKeys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policy re-scan skipped the shared-prime check: {Moduli} RSA keys exceed the limit of {Limit}")]
    private partial void LogSharedPrimesSkipped(int moduli, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policy re-scan could not read certificate {Serial}")]
    private partial void LogUnreadable(Exception exception, string serial);
}

using CertBroker.Core.Model;

namespace CertBroker.Core.Policy;

/// <summary>
/// Thresholds of the weak-crypto rules (<c>CertBroker:WeakCrypto</c>), shared by every profile; each profile only
/// chooses its <see cref="WeakCryptoMode"/>. A change to any of them makes the broker re-check the whole inventory
/// at the next start (see <see cref="PolicySettingsHash"/>).
/// </summary>
public sealed class WeakCryptoOptions
{
    public const string SectionName = "CertBroker:WeakCrypto";

    /// <summary>WC-RSA-01: smallest acceptable RSA modulus in bits. Default 2048 (CA/B Forum BR §6.1.5).</summary>
    public int MinimumRsaBits { get; set; } = 2048;

    /// <summary>WC-RSA-01: below this the finding's message says "critical". Default 1024.</summary>
    public int CriticalRsaBits { get; set; } = 1024;

    /// <summary>WC-RSA-02: modulus length below which an INFO finding notes BSI TR-02102-1's floor. Default 3000.</summary>
    public int RecommendedRsaBits { get; set; } = 3000;

    /// <summary>WC-KEY-03: how many Fermat rounds a key must survive. Default 100.</summary>
    public int FermatRounds { get; set; } = 100;

    /// <summary>
    /// WC-KEY-04: the most distinct RSA moduli the re-scan compares pairwise for shared primes (the work grows with
    /// the square of the count). Above it only identical moduli are found, and the re-scan logs that it skipped the
    /// prime check. Default 2000 (about half a minute on two cores).
    /// </summary>
    public int SharedPrimeScanLimit { get; set; } = 2000;

    /// <summary>How many certificates the re-scan reads and writes per transaction. Default 500.</summary>
    public int RescanBatchSize { get; set; } = 500;

    /// <summary>
    /// WC-KEY-01: a text file of compromised keys, one lower- or upper-case hex SHA-256 a line, of either the DER
    /// SubjectPublicKeyInfo or the RSA modulus as unsigned big-endian bytes; <c>#</c> starts a comment. Unset by
    /// default (the rule then finds nothing).
    /// </summary>
    public string? BlocklistFile { get; set; }

    /// <summary>
    /// Verdicts that replace a rule's default, by rule id, e.g. <c>WC-CMS-02=Fail</c> to treat 3DES envelopes as a
    /// failure (an enforcing profile then also stops advertising DES3). For WC-CMS-03 the override applies to SHA-1
    /// message digests; MD5 always fails. Empty by default.
    /// </summary>
    public Dictionary<string, FindingSeverity> Verdicts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The verdict of <paramref name="ruleId"/>: the configured override, else <paramref name="fallback"/>.</summary>
    public FindingSeverity VerdictOf(string ruleId, FindingSeverity fallback) =>
        Verdicts.TryGetValue(ruleId, out FindingSeverity configured) ? configured : fallback;
}

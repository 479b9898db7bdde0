using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CertBroker.Core.Model;
using CertBroker.Core.Policy.Rules;
using CertBroker.Core.Profiles;
using CertBroker.Scep;

namespace CertBroker.Core.Policy;

/// <summary>
/// The weak-crypto policy ("prohibit use of weak encryption"): every rule, evaluated over an enrolment request (its
/// key, its signature and its SCEP envelope) or a certificate. A singleton; evaluating is allocation-light and takes
/// microseconds except for pathological keys, so it runs inline on the enrolment path.
/// </summary>
public sealed class WeakCryptoPolicy
{
    private readonly IWeakCryptoRule[] _rules;
    private readonly TripleDesRule _tripleDes;
    private readonly MessageDigestRule _messageDigest;

    public WeakCryptoPolicy(WeakCryptoOptions options, KeyBlocklist blocklist)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Blocklist = blocklist;
        _tripleDes = new TripleDesRule(options);
        _messageDigest = new MessageDigestRule(options);
        _rules =
        [
            new RsaModulusLengthRule(options), new RsaRecommendedLengthRule(options), new RsaModulusAlignmentRule(options),
            new RsaExponentValidityRule(options), new RsaExponentRangeRule(options), new RsaSmallFactorRule(options),
            new BlocklistedKeyRule(options, blocklist), new RocaRule(options), new FermatRule(options),
            new EcCurveRule(options), new DsaKeyRule(options),
            new Md5SignatureRule(options), new Sha1SignatureRule(options), new Sha224SignatureRule(options),
            new BrokenCipherRule(options), _tripleDes, _messageDigest, new ValidityRule(options),
        ];
    }

    public WeakCryptoOptions Options { get; }

    public KeyBlocklist Blocklist { get; }

    /// <summary>The rule ids, in evaluation order; WC-KEY-04 runs in <see cref="PolicyRescan"/> only.</summary>
    public IEnumerable<string> RuleIds => _rules.Select(r => r.Id);

    /// <summary>The findings about an enrolment request; none when the profile's mode is Off.</summary>
    public IReadOnlyList<Finding> EvaluateRequest(ScepProfile profile, CertificationRequest csr, string? contentEncryption, string? messageDigest)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(csr);
        if (profile.Options.WeakCrypto == WeakCryptoMode.Off)
        {
            return [];
        }

        return Evaluate(PolicySubject.ForRequest(csr.SubjectPublicKeyInfo) with
        {
            SignatureAlgorithmOid = csr.SignatureAlgorithm.Oid,
            ContentEncryption = contentEncryption,
            MessageDigest = messageDigest,
            Validity = profile.Template.Validity,
            MaximumValidity = profile.Template.Validity,
            BrainpoolAllowed = profile.Options.AllowBrainpool,
        });
    }

    /// <summary>The findings about a certificate, issued here or imported; <paramref name="profile"/> null means no validity maximum.</summary>
    public IReadOnlyList<Finding> EvaluateCertificate(X509Certificate2 certificate, ScepProfile? profile)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Evaluate(PolicySubject.ForCertificate(certificate.PublicKey.ExportSubjectPublicKeyInfo()) with
        {
            SignatureAlgorithmOid = certificate.SignatureAlgorithm.Value,
            SelfSigned = certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData),
            Validity = certificate.NotAfter.ToUniversalTime() - certificate.NotBefore.ToUniversalTime(),
            MaximumValidity = profile?.Template.Validity,
            BrainpoolAllowed = profile?.Options.AllowBrainpool ?? false,
        });
    }

    /// <summary>Runs every rule over a prepared subject.</summary>
    public IReadOnlyList<Finding> Evaluate(PolicySubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var findings = new List<Finding>(0);
        foreach (IWeakCryptoRule rule in _rules)
        {
            rule.Check(subject, findings);
        }

        return findings;
    }

    /// <summary>
    /// The first FAIL finding an enforcing profile refuses a request for; null when the profile does not enforce
    /// or nothing fails.
    /// </summary>
    public static Finding? Refusal(ScepProfile profile, IReadOnlyList<Finding> findings) =>
        profile.Options.WeakCrypto == WeakCryptoMode.Enforce ? findings.FirstOrDefault(f => f.Severity == FindingSeverity.Fail) : null;

    /// <summary>
    /// GetCACaps keywords (RFC 8894 §3.5.2) an enforcing profile must not advertise: DES3 when WC-CMS-02 is set to
    /// FAIL, SHA-1 when WC-CMS-03's SHA-1 verdict is FAIL. Single DES and MD5 are never advertised anyway.
    /// </summary>
    public IReadOnlySet<string> ForbiddenCapabilities(ScepProfile profile)
    {
        var forbidden = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (profile.Options.WeakCrypto == WeakCryptoMode.Enforce)
        {
            if (_tripleDes.Fails)
            {
                forbidden.Add(CaCapabilities.Des3);
            }

            if (_messageDigest.Sha1Fails)
            {
                forbidden.Add(CaCapabilities.Sha1);
            }
        }

        return forbidden;
    }

    /// <summary>
    /// A hash of every setting that can change a verdict (thresholds, overrides, blocklist contents, each
    /// profile's mode, brainpool switch and validity). Stored in the database: a different value at start-up means
    /// the policy changed, and the inventory is checked again.
    /// </summary>
    public string SettingsHash(IEnumerable<ScepProfile> profiles)
    {
        var text = new StringBuilder();
        text.Append($"rsa={Options.MinimumRsaBits}/{Options.CriticalRsaBits}/{Options.RecommendedRsaBits};fermat={Options.FermatRounds};blocklist={Blocklist.Fingerprint};");
        foreach (KeyValuePair<string, FindingSeverity> verdict in Options.Verdicts.OrderBy(v => v.Key, StringComparer.OrdinalIgnoreCase))
        {
            text.Append($"{verdict.Key.ToUpperInvariant()}={verdict.Value};");
        }

        foreach (ScepProfile profile in profiles.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
        {
            text.Append($"{profile.Name.ToLowerInvariant()}={profile.Options.WeakCrypto}/{profile.Options.AllowBrainpool}/{profile.Options.ValidityDays};");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

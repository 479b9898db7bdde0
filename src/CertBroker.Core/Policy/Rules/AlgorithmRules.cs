using CertBroker.Scep;

namespace CertBroker.Core.Policy.Rules;

/// <summary>WC-EC-01: EC keys use P-256, P-384 or P-521, or brainpool where the profile allows it (BR §6.1.5; BSI TR-02102-1).</summary>
public sealed class EcCurveRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    private static readonly Dictionary<string, string> Allowed = new()
    {
        ["1.2.840.10045.3.1.7"] = "P-256",
        ["1.3.132.0.34"] = "P-384",
        ["1.3.132.0.35"] = "P-521",
    };

    private static readonly Dictionary<string, string> Brainpool = new()
    {
        ["1.3.36.3.3.2.8.1.1.7"] = "brainpoolP256r1",
        ["1.3.36.3.3.2.8.1.1.11"] = "brainpoolP384r1",
        ["1.3.36.3.3.2.8.1.1.13"] = "brainpoolP512r1",
    };

    public string Id => "WC-EC-01";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (!subject.IsEc || (subject.CurveOid is { } ok && (Allowed.ContainsKey(ok) || (subject.BrainpoolAllowed && Brainpool.ContainsKey(ok)))))
        {
            return;
        }

        string curve = subject.CurveOid is null ? "explicit parameters" : Brainpool.GetValueOrDefault(subject.CurveOid, subject.CurveOid);
        findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Fail), curve, "P-256, P-384 or P-521", $"EC curve {curve} not allowed"));
    }
}

/// <summary>WC-DSA-01: no DSA keys (FIPS 186-5 withdrew DSA for signing; the BRs do not allow it).</summary>
public sealed class DsaKeyRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-DSA-01";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject.IsDsa)
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Fail), "DSA", "RSA or ECDSA", "DSA key"));
        }
    }
}

/// <summary>WC-SIG-01: no MD2 or MD5 signature on a CSR or certificate (BR §7.1.3.2).</summary>
public sealed class Md5SignatureRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    private const string Md2WithRsa = "1.2.840.113549.1.1.2";

    public string Id => "WC-SIG-01";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        string? name = subject.SignatureAlgorithmOid switch
        {
            Oids.Md5WithRsa => "MD5",
            Md2WithRsa => "MD2",
            _ => null,
        };
        if (name is not null)
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Fail), name, "SHA-256 or stronger",
                $"{What(subject)} signed with {name}"));
        }
    }

    internal static string What(PolicySubject subject) => subject.Kind == SubjectKind.Request ? "CSR" : "Certificate";
}

/// <summary>WC-SIG-02: no SHA-1 signature on a CSR or certificate (NIST SP 800-131A Rev.2); a self-signed root only gets a note.</summary>
public sealed class Sha1SignatureRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-SIG-02";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject.SignatureAlgorithmOid is Oids.Sha1WithRsa or Oids.EcdsaWithSha1 or "1.2.840.10040.4.3")
        {
            FindingSeverity severity = subject.SelfSigned ? FindingSeverity.Info : options.VerdictOf(Id, FindingSeverity.Fail);
            string root = subject.SelfSigned ? " (self-signed root: its signature is not relied on)" : "";
            findings.Add(new Finding(Id, severity, "SHA-1", "SHA-256 or stronger", $"{Md5SignatureRule.What(subject)} signed with SHA-1{root}"));
        }
    }
}

/// <summary>WC-SIG-03: SHA-224 signatures are below BSI TR-02102-1's recommendation.</summary>
public sealed class Sha224SignatureRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-SIG-03";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject.SignatureAlgorithmOid is Oids.Sha224WithRsa or Oids.EcdsaWithSha224)
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Warn), "SHA-224", "SHA-256 or stronger",
                $"{Md5SignatureRule.What(subject)} signed with SHA-224"));
        }
    }
}

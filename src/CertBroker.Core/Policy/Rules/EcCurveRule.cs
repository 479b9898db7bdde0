using CertBroker.Core.Model;

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

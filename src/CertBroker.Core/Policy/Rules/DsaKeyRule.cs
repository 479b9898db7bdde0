using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

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

using CertBroker.Core.Model;
using CertBroker.Scep;

namespace CertBroker.Core.Policy.Rules;

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

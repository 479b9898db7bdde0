using CertBroker.Core.Model;
using CertBroker.Scep;

namespace CertBroker.Core.Policy.Rules;

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

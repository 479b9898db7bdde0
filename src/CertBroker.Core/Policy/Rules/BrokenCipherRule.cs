using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

/// <summary>WC-CMS-01: the SCEP envelope is not single DES or RC2 (RFC 8894 §3.5.2; NIST SP 800-131A Rev.2).</summary>
public sealed class BrokenCipherRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-CMS-01";

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject.ContentEncryption is "DES-CBC" or "RC2-CBC")
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Fail), subject.ContentEncryption, "AES",
                $"SCEP request encrypted with {subject.ContentEncryption}"));
        }
    }
}

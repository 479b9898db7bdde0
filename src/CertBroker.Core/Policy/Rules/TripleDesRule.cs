using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

/// <summary>
/// WC-CMS-02: the SCEP envelope is 3DES. A warning by default: NIST disallows it for encryption after 2023, but many
/// MFDs and routers speak nothing else.
/// </summary>
public sealed class TripleDesRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-CMS-02";

    /// <summary>Whether an enforcing profile refuses 3DES, and so stops advertising DES3.</summary>
    public bool Fails => options.VerdictOf(Id, FindingSeverity.Warn) == FindingSeverity.Fail;

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        if (subject.ContentEncryption is "3DES-CBC")
        {
            findings.Add(new Finding(Id, options.VerdictOf(Id, FindingSeverity.Warn), "3DES-CBC", "AES", "SCEP request encrypted with 3DES"));
        }
    }
}

using CertBroker.Core.Model;

namespace CertBroker.Core.Policy.Rules;

/// <summary>WC-CMS-03: the pkiMessage's digest is not MD5 (FAIL) or SHA-1 (WARN by default).</summary>
public sealed class MessageDigestRule(WeakCryptoOptions options) : IWeakCryptoRule
{
    public string Id => "WC-CMS-03";

    /// <summary>Whether an enforcing profile refuses SHA-1 message digests, and so stops advertising SHA-1.</summary>
    public bool Sha1Fails => options.VerdictOf(Id, FindingSeverity.Warn) == FindingSeverity.Fail;

    public void Check(PolicySubject subject, ICollection<Finding> findings)
    {
        FindingSeverity? severity = subject.MessageDigest switch
        {
            "MD5" => FindingSeverity.Fail,
            "SHA-1" => options.VerdictOf(Id, FindingSeverity.Warn),
            _ => null,
        };
        if (severity is { } verdict)
        {
            findings.Add(new Finding(Id, verdict, subject.MessageDigest!, "SHA-256 or stronger", $"SCEP message digest {subject.MessageDigest}"));
        }
    }
}
